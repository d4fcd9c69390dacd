"""Per-file work: read, decode, split, clean, normalize. Runs in workers; returns plain records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import load_profiles
from flows.inputs import InputFile, content_hash
from transforms.decode import UndecodableInput, decode_dump
from transforms.model import Document, RemovedLine
from transforms.pipeline import DumpProcessor


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
    stats: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class FileOutcome:
    """What the run summary needs about one file: a FileResult without its rows (small to send back)."""

    file: InputFile
    outcome: str
    content_hash: str | None = None
    reason: str | None = None
    encoding: str | None = None
    layout: str | None = None
    doc_count: int = 0
    removed_count: int = 0
    stats: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, result: FileResult) -> FileOutcome:
        return cls(
            result.file,
            result.outcome,
            result.content_hash,
            result.reason,
            result.encoding,
            result.layout,
            len(result.documents),
            len(result.removed),
            result.stats,
        )


_processors: dict[tuple[str, ...], DumpProcessor] = {}


def processor(profile_dirs: tuple[str, ...] = ()) -> DumpProcessor:
    """One DumpProcessor per process and profile set (building it loads profiles and pinyin)."""
    if profile_dirs not in _processors:
        _processors[profile_dirs] = DumpProcessor(load_profiles(profile_dirs))
    return _processors[profile_dirs]


def read_input(item: InputFile) -> bytes | FileResult:
    """The file's bytes, or the quarantine result when it cannot be read."""
    try:
        return Path(item.path).read_bytes()
    except OSError as exc:
        return FileResult(item, "quarantined", reason=f"unreadable: {exc.strerror or exc}")


def check_unchanged(item: InputFile, known: tuple[str, int | None, int | None] | None) -> FileResult | None:
    """The `unchanged` result when the warehouse holds this content of the file, else None.

    `known` is the (content hash, size, mtime_ns) recorded for the file. Same size and mtime: unchanged
    without reading it; otherwise the file is read and its content hash compared.
    """
    if known is None or known[0] is None:  # never loaded, or unreadable last time
        return None
    known_hash, size, mtime_ns = known
    if item.mtime_ns and (size, mtime_ns) == (item.size, item.mtime_ns):
        return FileResult(item, "unchanged", content_hash=known_hash)
    data = read_input(item)
    if isinstance(data, FileResult) or content_hash(data) != known_hash:
        return None
    return FileResult(item, "unchanged", content_hash=known_hash)


def extract_file(item: InputFile, known_hash: str | None, profile_dirs: tuple[str, ...] = ()) -> FileResult:
    """Process one file; `known_hash` is the content hash the warehouse already holds for it."""
    data = read_input(item)
    if isinstance(data, FileResult):
        return data
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
    if not extract.documents:
        result.outcome, result.reason = "quarantined", "no documents found"
    elif extract.layout == "generic":
        result.reason = "unknown layout: loaded with the generic title + body fallback"
    return result
