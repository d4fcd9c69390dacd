"""Per-file work: read, decode, split, clean, normalize. Runs in workers; returns plain records."""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field

from flows.config import load_profiles
from flows.inputs import InputFile, content_hash
from transforms.decode import UndecodableInput, decode_dump
from transforms.model import Document, RemovedLine
from transforms.pipeline import MAX_BODY_CHARS, DumpProcessor


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


_processors: dict[tuple[str, ...], DumpProcessor] = {}


def processor(profile_dirs: tuple[str, ...] = ()) -> DumpProcessor:
    """One DumpProcessor per process and profile set (building it loads profiles and pinyin)."""
    if profile_dirs not in _processors:
        _processors[profile_dirs] = DumpProcessor(load_profiles(profile_dirs))
    return _processors[profile_dirs]


MAX_FILE_BYTES = 256 * 1024 * 1024  # a file is held in memory while processed (peak ≈ 5× its size)


class Unreadable(OSError):
    """An input path that cannot be read as a file; the message is the quarantine reason."""


def read_input(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, or Unreadable with a reason (never blocks on a FIFO or device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise Unreadable(
            "unreadable: broken symbolic link" if os.path.islink(path) else "unreadable: file vanished"
        ) from None
    except OSError as exc:
        raise Unreadable(f"unreadable: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"not a regular file ({_file_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            raise Unreadable(f"too large: {info.st_size / 2**20:.0f} MiB (limit {max_bytes / 2**20:.0f} MiB per file)")
        try:
            return handle.read()
        except OSError as exc:
            raise Unreadable(f"unreadable: {exc.strerror or exc}") from None


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device")):
        if test(mode):
            return kind
    return "block device" if stat.S_ISBLK(mode) else "directory" if stat.S_ISDIR(mode) else "special file"


def extract_file(item: InputFile, known_hash: str | None, profile_dirs: tuple[str, ...] = ()) -> FileResult:
    """Process one file; `known_hash` is the content hash the warehouse already holds for it."""
    try:
        data = read_input(item.path)
    except Unreadable as exc:
        return FileResult(item, "quarantined", reason=str(exc))
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
    warnings = [decoded.note] if decoded.note else []
    if not extract.documents:
        result.outcome, warnings = "quarantined", ["no documents found", *warnings]
    elif extract.layout == "generic":
        warnings.append("unknown layout: loaded with the generic title + body fallback")
    if any("body_truncated" in d.flags for d in extract.documents):
        warnings.append(f"a document longer than {MAX_BODY_CHARS:,} characters was cut (flag body_truncated)")
    result.reason = "; ".join(warnings) or None
    return result
