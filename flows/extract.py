"""Per-file work: read, decode, split, clean, normalize. Runs in workers; returns plain records."""

from __future__ import annotations

import datetime as dt
import gc
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pyarrow as pa
from zhnews.flows.config import load_profiles, load_segmenter
from zhnews.flows.inputs import InputFile, content_hash
from zhnews.transforms.corpus_lines import LineStats
from zhnews.transforms.decode import Decoded, UndecodableInput, decode_dump
from zhnews.transforms.doc_text import analyse_batch, version_of
from zhnews.transforms.model import Document, RemovedLine
from zhnews.transforms.normalize.dates import BEIJING
from zhnews.transforms.pipeline import MAX_BODY_CHARS, DumpProcessor, Survey
from zhnews.transforms.segment import DEFAULT_ENGINE, Segmenter
from zhnews.warehouse.records import batch_analytics, concat_analytics, documents_analytics


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
    analytics: dict[str, pa.Table] = field(default_factory=dict)  # doc_terms, doc_keywords, doc_signatures
    stats: Counter[str] = field(default_factory=Counter)
    site: str = "*"
    line_hashes: frozenset[str] = frozenset()


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
    """One DumpProcessor per process and profile set (building it loads profiles and pinyin); a new
    one when a profile file changed since."""
    profiles = load_profiles(profile_dirs)
    if profile_dirs not in _processors or _processors[profile_dirs].profiles is not profiles:
        _processors[profile_dirs] = DumpProcessor(profiles)
    return _processors[profile_dirs]


_frozen: set[tuple[tuple[str, ...], str]] = set()


def prepared(profile_dirs: tuple[str, ...], segmenter: str) -> tuple[DumpProcessor, Segmenter]:
    """The processor and segmenter for these options, built once per process.

    They hold large tables that last as long as the process (profiles, pinyin, the IDF table).
    Once they are built, everything the process holds is moved to the garbage collector's
    permanent generation (`gc.freeze`): full collections during extraction then no longer walk
    them over and over (they took about a tenth of a worker's CPU time).
    """
    tools = processor(profile_dirs), load_segmenter(profile_dirs, segmenter)
    if (profile_dirs, segmenter) not in _frozen:
        _frozen.add((profile_dirs, segmenter))
        gc.freeze()
    return tools


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


def extract_file(
    item: InputFile,
    known_hash: str | None,
    profile_dirs: tuple[str, ...] = (),
    line_stats: LineStats | None = None,
    segmenter: str = DEFAULT_ENGINE,
) -> FileResult:
    """Process one file; `known_hash` is the content hash the warehouse already holds for it."""
    known = {item.file_id: known_hash} if known_hash else {}
    return extract_files([item], known, profile_dirs, line_stats, segmenter)[0]


def extract_files(
    items: list[InputFile],
    known: dict[str, str],
    profile_dirs: tuple[str, ...] = (),
    line_stats: LineStats | None = None,
    segmenter: str = DEFAULT_ENGINE,
) -> list[FileResult]:
    """Process a batch of files in two passes; `known` maps file ids to the hashes the warehouse holds.

    Pass one reads and decodes every changed file and counts its candidate lines; pass two
    processes each file with the warehouse's corpus line counts (`line_stats`) plus this batch's,
    so lines repeated across the batch's dumps of one site are found on a first run too. The
    file's modification date dates `12月2日`-style dates that show no year. Each document is
    segmented once here, with the `segmenter` engine and the profiles' dictionaries.
    """
    read = [_read(item, known.get(item.file_id)) for item in items]
    if all(isinstance(r, FileResult) for r in read):
        return read  # nothing to process (an unchanged re-run): no processor is built
    dump_processor, words = prepared(profile_dirs, segmenter)
    surveys = {i: dump_processor.survey(r[1].text) for i, r in enumerate(read) if not isinstance(r, FileResult)}
    stats = (line_stats or LineStats()).merged((s.site, s.line_hashes) for s in surveys.values())
    results = [
        r if isinstance(r, FileResult) else _process(item, *r, dump_processor, stats, surveys[i])
        for i, (item, r) in enumerate(zip(items, read, strict=True))
    ]
    _add_analytics([results[i] for i in surveys], words)
    return results


ANALYSIS_CHARS = 1_000_000  # body characters analysed at once (their tokens are held as Python strings)


def _add_analytics(results: list[FileResult], words: Segmenter) -> None:
    """Segment and fingerprint the documents of processed files, a group of documents at once
    (`analyse_batch`); each file gets the rows of its distinct document versions."""
    parts: list[list[dict[str, pa.Table]]] = [[] for _ in results]
    for group in _analysis_groups(results):
        batch = analyse_batch([doc for _, doc in group], words)
        tables = batch_analytics(batch)
        start = 0
        for owner, docs in groupby(owner for owner, _ in group):
            stop = start + sum(1 for _ in docs)
            parts[owner].append(documents_analytics(tables, batch, start, stop))
            start = stop
    for result, tables in zip(results, parts, strict=True):
        result.analytics = tables[0] if len(tables) == 1 else concat_analytics(tables)


def _analysis_groups(results: list[FileResult]) -> Iterator[list[tuple[int, Document]]]:
    """(file index, document) pairs of the files' distinct document versions (a repeat within a
    file is analysed once), in groups of about `ANALYSIS_CHARS` body characters."""
    group: list[tuple[int, Document]] = []
    size = 0
    for owner, result in enumerate(results):
        for doc in {(d.doc_id, version_of(d.title, d.body)): d for d in result.documents}.values():
            if group and size + len(doc.body) > ANALYSIS_CHARS:
                yield group
                group, size = [], 0
            group.append((owner, doc))
            size += len(doc.body)
    if group:
        yield group


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
    try:
        data = read_input(item.path)
    except Unreadable:
        return None  # the worker quarantines it with the reason
    return FileResult(item, "unchanged", content_hash=known_hash) if content_hash(data) == known_hash else None


def _read(item: InputFile, known_hash: str | None) -> FileResult | tuple[str, Decoded]:
    """The file's content hash and text, or its result when it is unchanged or unreadable."""
    try:
        data = read_input(item.path)
    except Unreadable as exc:
        return FileResult(item, "quarantined", reason=str(exc))
    digest = content_hash(data)
    if digest == known_hash:
        return FileResult(item, "unchanged", content_hash=digest)
    try:
        return digest, decode_dump(data)
    except UndecodableInput as exc:
        return FileResult(item, "quarantined", content_hash=digest, reason=exc.reason)


def _modified_at(item: InputFile) -> dt.datetime | None:
    """The file's modification time in Beijing (from discovery's stat; stat again if it had none).

    It is when the page was saved: the reference for dates without a year and relative ones (`3小时前`).
    """
    try:
        mtime_ns = item.mtime_ns or Path(item.path).stat().st_mtime_ns
    except OSError:
        return None
    return dt.datetime.fromtimestamp(mtime_ns / 1e9, BEIJING)


def _process(
    item: InputFile,
    digest: str,
    decoded: Decoded,
    dump_processor: DumpProcessor,
    stats: LineStats,
    survey: Survey,
) -> FileResult:
    """The file's documents and what cleaning them found (`extract_files` adds their analytics)."""
    reference = _modified_at(item)
    extract = dump_processor.process(decoded.text, reference, stats, survey)
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
        site=extract.site,
        line_hashes=extract.line_hashes,
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
