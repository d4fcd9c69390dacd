"""Batches: grouping input files, a batch's results as table rows, and the work a worker does on one."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pyarrow as pa
from zhnews.flows.extract import FileOutcome, FileResult, extract_files
from zhnews.flows.inputs import InputFile
from zhnews.transforms.corpus_lines import LineStats
from zhnews.transforms.doc_text import BatchAnalysis, concat_analyses
from zhnews.transforms.model import Document, RemovedLine
from zhnews.transforms.segment import DEFAULT_ENGINE
from zhnews.warehouse.parquet import write_batch
from zhnews.warehouse.records import (
    batch_analytics,
    documents_table,
    entity_tables,
    removed_lines_table,
    sightings_table,
)

BATCH_FILES = 2000
BATCH_BYTES = 4_000_000


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
    """Table rows for a batch's results (the tables of documents and their analytics as Arrow
    tables, built for the batch at once; a document seen in two files of the batch is there
    twice, the loader keeps one)."""
    return dict(batch_tables(results, load_id))


def batch_tables(results: list[FileResult], load_id: str) -> Iterator[tuple[str, list[dict] | pa.Table]]:
    """`batch_rows` one table at a time, each built when asked for: a writer holds one at a time."""
    rows: dict[str, list] = {"file_events": [], "files": [], "line_hashes": []}
    documents: list[Document] = []
    removed: list[RemovedLine] = []
    document_files: list[str] = []
    removed_files: list[str] = []
    analyses: list[BatchAnalysis] = []
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
        dump = r.dump
        rows["files"].append(
            {
                "file_id": r.file.file_id,
                "path": r.file.path,
                "size_bytes": r.file.size,
                "content_hash": r.content_hash,
                "encoding": dump and dump.decoded.encoding,
                "encoding_confidence": dump and dump.decoded.confidence,
                "layout": dump and dump.extract.layout,
                "profiles": list(dump.extract.profiles) if dump else [],
                "status": r.outcome,
                "reason": r.reason,
                "doc_count": len(dump.documents) if r.outcome == "loaded" else 0,
                "mtime_ns": r.file.mtime_ns or None,
            }
        )
        if r.outcome != "loaded":
            continue
        extract = dump.extract
        documents += extract.documents
        document_files += [r.file.file_id] * len(extract.documents)
        removed += extract.removed
        removed_files += [r.file.file_id] * len(extract.removed)
        rows["line_hashes"].extend(
            {"file_id": r.file.file_id, "site": extract.site, "line_hash": h} for h in sorted(extract.line_hashes)
        )
        if dump.analysis is not None:
            analyses.append(dump.analysis)
    yield "files", rows.pop("files")
    yield "documents", documents_table(documents)
    yield "sightings", sightings_table(documents, document_files)
    yield "removed_lines", removed_lines_table(removed, removed_files)
    yield "line_hashes", rows.pop("line_hashes")
    yield "file_events", rows.pop("file_events")
    if analyses:
        analytics = batch_analytics(concat_analyses(analyses))
        del analyses
        for table in list(analytics):
            yield table, analytics.pop(table)


@dataclass(slots=True)
class BatchOutput:
    """What a worker sends back for one batch: where its Parquet files are, and a small per-file summary."""

    parquet: dict[str, str]
    files: list[FileOutcome]
    seconds: dict[str, float]


def write_results(
    results: list[FileResult], data_dir: str, load_id: str, more: dict[str, pa.Table] | None = None
) -> dict[str, str]:
    """Write a batch's rows, and the `more` tables (its entities), as Parquet under `data_dir`; table → file path."""
    tables = chain(batch_tables(results, load_id), (more or {}).items())
    written = write_batch(Path(data_dir), batch_key(results), tables, load_id)
    return {table: str(path) for table, path in written.items()}


ENTITY_CHUNK = 500  # documents an `extract_many` call (its cache is trimmed between calls)


def batch_entities(results: list[FileResult], profile_dirs: tuple[str, ...], tagger: str) -> dict[str, pa.Table]:
    """The `doc_entities` and `entity_versions` rows of the batch's documents, each version once, with
    the extractor of `profile_dirs` and `tagger` (flows.config.ENTITY_TAGGERS; "off": none)."""
    if tagger == "off":
        return {}
    from zhnews.flows.config import load_entity_extractor  # built once per process
    from zhnews.transforms.doc_text import version_of
    from zhnews.transforms.entities import analysed_text, rules_fingerprint

    extractor = load_entity_extractor(profile_dirs, tagger)
    docs: dict[tuple[str, str], Document] = {}  # (doc_id, version) -> the document
    for r in results:
        if r.outcome == "loaded":
            for doc in r.dump.extract.documents:
                docs.setdefault((doc.doc_id, version_of(doc.title, doc.body)), doc)
    keys = list(docs)
    found = []
    for start in range(0, len(keys), ENTITY_CHUNK):
        read = [
            analysed_text(d.title, d.body, d.title_simplified, d.body_simplified)
            for d in (docs[k] for k in keys[start : start + ENTITY_CHUNK])
        ]
        found += extractor.extract_many([text for text, _ in read], [printed for _, printed in read])
    return entity_tables([k[0] for k in keys], [k[1] for k in keys], found, rules_fingerprint(extractor.rules, tagger))


def run_batch(
    files: list[InputFile],
    profile_dirs: tuple[str, ...],
    data_dir: str,
    load_id: str,
    line_stats: LineStats | None = None,
    segmenter: str = DEFAULT_ENGINE,
    entities: str = "off",
) -> BatchOutput:
    """Extract a batch of files, find its documents' entities (`entities`: the tagger, or "off") and
    write its Parquet files: the CPU-bound work a worker does."""
    t0 = time.perf_counter()
    results = extract_files(files, profile_dirs, line_stats, segmenter)
    t1 = time.perf_counter()
    found = batch_entities(results, profile_dirs, entities)
    t2 = time.perf_counter()
    parquet = write_results(results, data_dir, load_id, found)
    t3 = time.perf_counter()
    seconds = {"extract": t1 - t0, "parquet": t3 - t2} | ({"entities": t2 - t1} if found else {})
    return BatchOutput(parquet, [FileOutcome.of(r) for r in results], seconds)
