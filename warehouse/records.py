"""Row shapes written to Parquet and loaded into DuckDB, with their explicit Arrow schemas."""

from __future__ import annotations

import pyarrow as pa

from transforms.model import Document, RemovedLine

FILES = pa.schema(
    [
        ("file_id", pa.string()),
        ("path", pa.string()),
        ("size_bytes", pa.int64()),
        ("content_hash", pa.string()),
        ("encoding", pa.string()),
        ("encoding_confidence", pa.float64()),
        ("layout", pa.string()),
        ("profiles", pa.list_(pa.string())),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("doc_count", pa.int32()),
    ]
)
DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("title", pa.string()),
        ("source", pa.string()),
        ("source_raw", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("body", pa.string()),
        ("body_kind", pa.string()),
        ("truncated", pa.bool_()),
        ("topic", pa.string()),
        ("author", pa.string()),
        ("layout", pa.string()),
        ("flags", pa.list_(pa.string())),
        ("extra", pa.map_(pa.string(), pa.string())),
        ("char_count", pa.int32()),
        ("script", pa.string()),
        ("title_simplified", pa.string()),
        ("body_simplified", pa.string()),
    ]
)
SIGHTINGS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("file_id", pa.string()),
        ("ordinal", pa.int32()),
        ("layout", pa.string()),
        ("topic", pa.string()),
    ]
)
REMOVED_LINES = pa.schema(
    [
        ("file_id", pa.string()),
        ("line_no", pa.int32()),
        ("text", pa.string()),
        ("rule", pa.string()),
    ]
)
LINE_HASHES = pa.schema(
    [
        ("file_id", pa.string()),
        ("site", pa.string()),
        ("line_hash", pa.string()),
    ]
)
FILE_EVENTS = pa.schema(
    [
        ("load_id", pa.string()),
        ("file_id", pa.string()),
        ("path", pa.string()),
        ("outcome", pa.string()),
        ("reason", pa.string()),
    ]
)

# Tables a batch writes, in load order.
BATCH_TABLES: dict[str, pa.Schema] = {
    "files": FILES,
    "documents": DOCUMENTS,
    "sightings": SIGHTINGS,
    "removed_lines": REMOVED_LINES,
    "line_hashes": LINE_HASHES,
    "file_events": FILE_EVENTS,
}


def document_row(doc: Document) -> dict:
    """A documents row."""
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "source": doc.source,
        "source_raw": doc.source_raw,
        "published_at": doc.published_at,
        "body": doc.body,
        "body_kind": doc.body_kind,
        "truncated": doc.truncated,
        "topic": doc.topic,
        "author": doc.author,
        "layout": doc.layout,
        "flags": list(doc.flags),
        "extra": sorted(doc.extra.items()),
        "char_count": len(doc.body),
        "script": doc.script,
        "title_simplified": doc.title_simplified,
        "body_simplified": doc.body_simplified,
    }


def sighting_row(doc: Document, file_id: str) -> dict:
    """A sightings row: where `doc` was seen."""
    return {"doc_id": doc.doc_id, "file_id": file_id, "ordinal": doc.ordinal, "layout": doc.layout, "topic": doc.topic}


def removed_row(line: RemovedLine, file_id: str) -> dict:
    """A removed_lines row."""
    return {"file_id": file_id, "line_no": line.line_no, "text": line.text, "rule": line.rule}
