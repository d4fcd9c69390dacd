"""Row shapes written to Parquet and loaded into DuckDB, with their explicit Arrow schemas."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from operator import attrgetter

import numpy as np
import pyarrow as pa
from zhnews.transforms.doc_text import BatchAnalysis, DocAnalysis
from zhnews.transforms.entities import Entity
from zhnews.transforms.model import Document, RemovedLine
from zhnews.transforms.neardup import NUM_PERM

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
        ("mtime_ns", pa.int64()),
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

# Text analytics, one set of rows per version of a document (`version`: see transforms.doc_text);
# the loader keeps the rows of the version the warehouse keeps and does not load `version`.
DOC_TERMS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("version", pa.string()),
        ("term", pa.string()),
        ("tf", pa.int32()),
        ("in_title", pa.bool_()),
    ]
)
DOC_KEYWORDS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("version", pa.string()),
        ("keyword", pa.string()),
        ("weight", pa.float64()),
        ("rank", pa.int16()),
    ]
)
DOC_SIGNATURES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("version", pa.string()),
        ("term_count", pa.int32()),
        ("shingles", pa.int32()),
        ("minhash", pa.list_(pa.uint32())),
    ]
)
ANALYTICS_TABLES = ("doc_terms", "doc_keywords", "doc_signatures")

# People, places and organisations (transforms.entities), one set of rows per version of a document
# like the analytics, with the fingerprint of the names and rules that found them (`entity_versions`);
# the loader keeps those of the version the warehouse keeps.
DOC_ENTITIES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("version", pa.string()),
        ("entity", pa.string()),
        ("entity_simplified", pa.string()),
        ("kind", pa.string()),
        ("mentions", pa.int32()),
        ("in_title", pa.bool_()),
    ]
)
ENTITY_VERSIONS = pa.schema([("doc_id", pa.string()), ("version", pa.string()), ("rules", pa.string())])
# Batch tables whose rows carry the `version` they were derived from, which their warehouse table drops.
VERSIONED_TABLES = (*ANALYTICS_TABLES, "doc_entities")

# Tables a batch writes, in load order.
BATCH_TABLES: dict[str, pa.Schema] = {
    "files": FILES,
    "documents": DOCUMENTS,
    "sightings": SIGHTINGS,
    "removed_lines": REMOVED_LINES,
    "line_hashes": LINE_HASHES,
    "file_events": FILE_EVENTS,
    "doc_terms": DOC_TERMS,
    "doc_keywords": DOC_KEYWORDS,
    "doc_signatures": DOC_SIGNATURES,
    "doc_entities": DOC_ENTITIES,
    "entity_versions": ENTITY_VERSIONS,
}


# How each documents column is read off a Document (the one place that says it).
_DOCUMENT_COLUMNS: dict[str, Callable[[Document], object]] = {
    "doc_id": attrgetter("doc_id"),
    "title": attrgetter("title"),
    "source": attrgetter("source"),
    "source_raw": attrgetter("source_raw"),
    "published_at": attrgetter("published_at"),
    "body": attrgetter("body"),
    "body_kind": attrgetter("body_kind"),
    "truncated": attrgetter("truncated"),
    "topic": attrgetter("topic"),
    "author": attrgetter("author"),
    "layout": attrgetter("layout"),
    "flags": lambda doc: list(doc.flags),
    "extra": lambda doc: sorted(doc.extra.items()),
    "char_count": lambda doc: len(doc.body),
    "script": attrgetter("script"),
    "title_simplified": attrgetter("title_simplified"),
    "body_simplified": attrgetter("body_simplified"),
}


def document_row(doc: Document) -> dict:
    """A documents row."""
    return {name: read(doc) for name, read in _DOCUMENT_COLUMNS.items()}


def documents_table(docs: Sequence[Document]) -> pa.Table:
    """The documents rows of these documents (`document_row` of each), built column by column."""
    return pa.Table.from_pydict(
        {name: list(map(read, docs)) for name, read in _DOCUMENT_COLUMNS.items()}, schema=DOCUMENTS
    )


def sighting_row(doc: Document, file_id: str) -> dict:
    """A sightings row: where `doc` was seen."""
    return {"doc_id": doc.doc_id, "file_id": file_id, "ordinal": doc.ordinal, "layout": doc.layout, "topic": doc.topic}


def sightings_table(docs: Sequence[Document], file_ids: Sequence[str]) -> pa.Table:
    """The sightings rows of documents seen in these files (`sighting_row` of each pair)."""
    columns = {
        "doc_id": [doc.doc_id for doc in docs],
        "file_id": file_ids,
        "ordinal": [doc.ordinal for doc in docs],
        "layout": [doc.layout for doc in docs],
        "topic": [doc.topic for doc in docs],
    }
    return pa.Table.from_pydict(columns, schema=SIGHTINGS)


def removed_row(line: RemovedLine, file_id: str) -> dict:
    """A removed_lines row."""
    return {"file_id": file_id, "line_no": line.line_no, "text": line.text, "rule": line.rule}


def removed_lines_table(lines: Sequence[RemovedLine], file_ids: Sequence[str]) -> pa.Table:
    """The removed_lines rows of lines removed from these files (`removed_row` of each pair)."""
    columns = {
        "file_id": file_ids,
        "line_no": [line.line_no for line in lines],
        "text": [line.text for line in lines],
        "rule": [line.rule for line in lines],
    }
    return pa.Table.from_pydict(columns, schema=REMOVED_LINES)


AnalyticsColumns = dict[str, dict[str, list | np.ndarray]]  # table -> column -> values


def analytics_columns(analyses: Iterable[DocAnalysis]) -> AnalyticsColumns:
    """doc_terms, doc_keywords and doc_signatures of analysed documents, as columns (a document has
    hundreds of terms: column lists are far cheaper than a dict per row; MinHash values are one
    uint32 array, a row per document)."""
    tables: AnalyticsColumns = {t: {c: [] for c in BATCH_TABLES[t].names} for t in ANALYTICS_TABLES}
    terms, keywords, signatures = (tables[t] for t in ANALYTICS_TABLES)
    minhashes = []
    for a in analyses:
        tf, n = a.terms.tf, len(a.terms.tf)
        terms["doc_id"] += [a.doc_id] * n
        terms["version"] += [a.version] * n
        terms["term"] += tf.keys()
        terms["tf"] += tf.values()
        terms["in_title"] += map(a.terms.in_title.__contains__, tf)
        k = len(a.terms.keywords)
        keywords["doc_id"] += [a.doc_id] * k
        keywords["version"] += [a.version] * k
        keywords["keyword"] += [kw.keyword for kw in a.terms.keywords]
        keywords["weight"] += [kw.weight for kw in a.terms.keywords]
        keywords["rank"] += [kw.rank for kw in a.terms.keywords]
        signatures["doc_id"].append(a.doc_id)
        signatures["version"].append(a.version)
        signatures["term_count"].append(a.terms.term_count)
        signatures["shingles"].append(a.signature.shingles)
        minhashes.append(a.signature.hashvalues)
    signatures["minhash"] = np.array(minhashes, dtype=np.uint32).reshape(len(minhashes), NUM_PERM)
    return tables


def analytics_tables(parts: Iterable[AnalyticsColumns]) -> dict[str, pa.Table]:
    """The analytics columns of many files (`analytics_columns` of each) as one Arrow table each.

    Converting a whole batch at once costs far less than a table per file: Arrow's per-call
    overhead, not its per-row cost, dominates for a dump's few documents.
    """
    parts = list(parts)
    tables = {}
    for table in ANALYTICS_TABLES:
        schema = BATCH_TABLES[table]
        columns = {}
        for name in schema.names:
            values = [part[table][name] for part in parts]
            if name == "minhash":
                columns[name] = _uint32_lists(np.concatenate(values) if values else np.zeros((0, 0), np.uint32))
            else:
                columns[name] = pa.array(list(chain.from_iterable(values)), schema.field(name).type)
        tables[table] = pa.Table.from_pydict(columns, schema=schema)
    return tables


def batch_analytics(batch: BatchAnalysis) -> dict[str, pa.Table]:
    """doc_terms, doc_keywords and doc_signatures of an analysed batch, built from its columns."""
    terms, n = batch.terms, len(batch.doc_ids)
    doc_ids, versions = pa.array(batch.doc_ids, pa.string()), pa.array(batch.versions, pa.string())
    term_doc, keyword_doc = pa.array(terms.term_doc), pa.array(terms.keyword_doc)
    columns = {
        "doc_terms": {
            "doc_id": doc_ids.take(term_doc),
            "version": versions.take(term_doc),
            "term": terms.term,
            "tf": terms.tf,
            "in_title": terms.in_title,
        },
        "doc_keywords": {
            "doc_id": doc_ids.take(keyword_doc),
            "version": versions.take(keyword_doc),
            "keyword": terms.keyword,
            "weight": terms.weight,
            "rank": terms.rank,
        },
        "doc_signatures": {
            "doc_id": doc_ids,
            "version": versions,
            "term_count": terms.term_count,
            "shingles": batch.shingles,
            "minhash": _uint32_lists(batch.minhash.reshape(n, NUM_PERM)),
        },
    }
    return {
        table: pa.Table.from_arrays(
            [_as_array(values, BATCH_TABLES[table].field(name).type) for name, values in columns[table].items()],
            schema=BATCH_TABLES[table],
        )
        for table in ANALYTICS_TABLES
    }


def _as_array(values: pa.Array | np.ndarray | list, type_: pa.DataType) -> pa.Array:
    """Values as an Arrow array of `type_` (integers are checked to fit)."""
    if isinstance(values, pa.Array):
        return values if values.type == type_ else values.cast(type_)
    return pa.array(values, type_)


def _uint32_lists(rows: np.ndarray) -> pa.Array:
    """The rows of a 2-D uint32 array (MinHash signatures) as an Arrow list<uint32> array."""
    offsets = np.arange(len(rows) + 1, dtype=np.int32) * rows.shape[1]
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(rows.reshape(-1), pa.uint32()))


def entity_tables(
    doc_ids: Sequence[str], versions: Sequence[str], found: Sequence[list[Entity]], rules: str
) -> dict[str, pa.Table]:
    """`doc_entities` and `entity_versions` rows of documents (their ids and versions) and the entities
    found in each (`EntityExtractor.extract_many`) with the names and rules of fingerprint `rules`."""
    cols: dict[str, list] = {name: [] for name in DOC_ENTITIES.names}
    for doc_id, version, entities in zip(doc_ids, versions, found, strict=True):
        for e in entities:
            cols["doc_id"].append(doc_id)
            cols["version"].append(version)
            cols["entity"].append(e.entity)
            cols["entity_simplified"].append(e.entity_simplified)
            cols["kind"].append(e.kind)
            cols["mentions"].append(e.mentions)
            cols["in_title"].append(e.in_title)
    return {
        "doc_entities": pa.Table.from_pydict(cols, schema=DOC_ENTITIES),
        "entity_versions": pa.Table.from_pydict(
            {"doc_id": list(doc_ids), "version": list(versions), "rules": [rules] * len(doc_ids)},
            schema=ENTITY_VERSIONS,
        ),
    }
