"""Per-file work: read, decode, split, clean, normalize. Runs in workers; returns plain records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import load_profiles, load_segmenter
from flows.inputs import InputFile, content_hash
from transforms.decode import UndecodableInput, decode_dump
from transforms.doc_text import DocAnalysis, analyse_document, version_of
from transforms.model import Document, RemovedLine
from transforms.pipeline import DumpProcessor
from transforms.segment import DEFAULT_ENGINE


@dataclass(slots=True)
class FileResult:
    """What happened to one input file, with its documents when it was loaded."""

    file: InputFile
    outcome: str  # loaded | unchanged | quarantined
    content_hash: str | None = None
    reason: str | None = None
    encoding: str | None = None
    confidence: float | None = None
    layout: str | None = None
    profiles: tuple[str, ...] = ()
    documents: list[Document] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    analyses: list[DocAnalysis] = field(default_factory=list)  # terms, keywords, signature per document
    stats: Counter[str] = field(default_factory=Counter)


_processors: dict[tuple[str, ...], DumpProcessor] = {}


def processor(profile_dirs: tuple[str, ...] = ()) -> DumpProcessor:
    """One DumpProcessor per process and profile set (building it loads profiles and pinyin)."""
    if profile_dirs not in _processors:
        _processors[profile_dirs] = DumpProcessor(load_profiles(profile_dirs))
    return _processors[profile_dirs]


def extract_file(
    item: InputFile, known_hash: str | None, profile_dirs: tuple[str, ...] = (), segmenter: str = DEFAULT_ENGINE
) -> FileResult:
    """Process one file; `known_hash` is the content hash the warehouse already holds for it."""
    try:
        data = Path(item.path).read_bytes()
    except OSError as exc:
        return FileResult(item, "quarantined", reason=f"unreadable: {exc.strerror or exc}")
    digest = content_hash(data)
    if digest == known_hash:
        return FileResult(item, "unchanged", content_hash=digest)
    try:
        decoded = decode_dump(data)
    except UndecodableInput as exc:
        return FileResult(item, "quarantined", content_hash=digest, reason=exc.reason)
    del data
    extract = processor(profile_dirs).process(decoded.text)
    result = FileResult(
        item,
        "loaded",
        content_hash=digest,
        encoding=decoded.encoding,
        confidence=decoded.confidence,
        layout=extract.layout,
        profiles=extract.profiles,
        documents=extract.documents,
        removed=extract.removed,
        stats=extract.stats,
    )
    words = load_segmenter(profile_dirs, segmenter)
    distinct = {(d.doc_id, version_of(d.title, d.body)): d for d in extract.documents}  # a repeat is cut once
    result.analyses = [analyse_document(doc, words) for doc in distinct.values()]
    if not extract.documents:
        result.outcome, result.reason = "quarantined", "no documents found"
    elif extract.layout == "generic":
        result.reason = "unknown layout: loaded with the generic title + body fallback"
    return result
