"""Grouping input files into batches, and a batch's results into table rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import pyarrow as pa

from flows.extract import FileResult
from flows.inputs import InputFile
from warehouse.records import ANALYTICS_TABLES, BATCH_TABLES, document_row, removed_row, sighting_row

BATCH_FILES = 200
BATCH_BYTES = 32 * 1024 * 1024


def batched(
    files: Iterable[InputFile], max_files: int = BATCH_FILES, max_bytes: int = BATCH_BYTES
) -> Iterator[list[InputFile]]:
    """Consecutive groups of at most `max_files` files and about `max_bytes` bytes."""
    batch: list[InputFile] = []
    size = 0
    for item in files:
        if batch and (len(batch) >= max_files or size + item.size > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.size
    if batch:
        yield batch


def batch_key(results: list[FileResult]) -> str:
    """A key that names a batch by its inputs (file ids and contents)."""
    parts = sorted(f"{r.file.file_id}:{r.content_hash}" for r in results)
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=10).hexdigest()


def batch_rows(results: list[FileResult], load_id: str) -> dict[str, list[dict] | pa.Table]:
    """Table rows for a batch's results (analytics tables as the workers' Arrow tables; a document
    seen in two files of the batch is there twice, the loader keeps one). Unchanged files only add
    a file_events row."""
    rows: dict[str, list] = {t: [] for t in BATCH_TABLES if t not in ANALYTICS_TABLES}
    analytics: dict[str, list] = {t: [] for t in ANALYTICS_TABLES}
    for r in results:
        rows["file_events"].append(
            {
                "load_id": load_id,
                "file_id": r.file.file_id,
                "path": r.file.path,
                "outcome": r.outcome,
                "reason": r.reason,
            }
        )
        if r.outcome == "unchanged":
            continue
        rows["files"].append(
            {
                "file_id": r.file.file_id,
                "path": r.file.path,
                "size_bytes": r.file.size,
                "content_hash": r.content_hash,
                "encoding": r.encoding,
                "encoding_confidence": r.confidence,
                "layout": r.layout,
                "profiles": list(r.profiles),
                "status": r.outcome,
                "reason": r.reason,
                "doc_count": len(r.documents) if r.outcome == "loaded" else 0,
            }
        )
        if r.outcome != "loaded":
            continue
        rows["documents"].extend(document_row(d) for d in r.documents)
        rows["sightings"].extend(sighting_row(d, r.file.file_id) for d in r.documents)
        rows["removed_lines"].extend(removed_row(line, r.file.file_id) for line in r.removed)
        rows["line_hashes"].extend(
            {"file_id": r.file.file_id, "site": r.site, "line_hash": h} for h in sorted(r.line_hashes)
        )
        for table, arrow in r.analytics.items():
            analytics[table].append(arrow)
    return {**rows, **{t: pa.concat_tables(parts) for t, parts in analytics.items() if parts}}
