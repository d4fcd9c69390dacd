"""Per-file work in the workers: read a batch's files and run them through the `DumpPipeline`.

Returns a `FileResult` per file: its outcome (loaded or quarantined, with the reason) and the
`ProcessedDump` the pipeline made of it (decoding, documents, removed lines, line hashes,
text analytics), which `flows.batches` turns into table rows.
"""

from __future__ import annotations

import gc
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
from zhnews.flows.config import load_profiles, load_segmenter
from zhnews.flows.inputs import InputFile, content_hash, saved_at
from zhnews.transforms.corpus_lines import LineStats
from zhnews.transforms.dump_pipeline import Dump, DumpPipeline, ProcessedDump, Rejected
from zhnews.transforms.segment import DEFAULT_ENGINE


@dataclass(slots=True)
class FileResult:
    """What happened to one input file, with what the pipeline made of it when it was read."""

    file: InputFile
    outcome: str  # loaded | quarantined
    content_hash: str | None = None
    reason: str | None = None
    dump: ProcessedDump | None = None  # None when unreadable or not text


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
        outcome = cls(result.file, result.outcome, result.content_hash, result.reason)
        if result.dump is not None:
            extract = result.dump.extract
            outcome.encoding, outcome.layout, outcome.stats = (
                result.dump.decoded.encoding,
                extract.layout,
                extract.stats,
            )
            outcome.doc_count, outcome.removed_count = len(extract.documents), len(extract.removed)
        return outcome


_pipelines: dict[tuple[tuple[str, ...], str], DumpPipeline] = {}


def pipeline(profile_dirs: tuple[str, ...] = (), segmenter: str = DEFAULT_ENGINE) -> DumpPipeline:
    """The DumpPipeline for these options, built once per process; a new one when a
    profile file changed since.

    It holds large tables that last as long as the process (profiles, pinyin, the IDF table).
    Once it is built, everything the process holds is moved to the garbage collector's
    permanent generation (`gc.freeze`): full collections during extraction then no longer walk
    them over and over (they took about a tenth of a worker's CPU time); and the process's Arrow
    allocator is set (`use_system_allocator`).
    """
    key = (profile_dirs, segmenter)
    profiles = load_profiles(profile_dirs)
    if key not in _pipelines or _pipelines[key].processor.profiles is not profiles:
        _pipelines[key] = DumpPipeline(profiles, load_segmenter(profile_dirs, segmenter))
        gc.freeze()
        use_system_allocator()
    return _pipelines[key]


def use_system_allocator() -> None:
    """Arrow buffers from the C library's allocator (unless `ARROW_DEFAULT_MEMORY_POOL` chooses one).

    Arrow's default pool (mimalloc) keeps the pages a batch's tables freed: a worker's peak RSS
    was ~60 MiB higher on `bench/extract_speed.py`, for no speed gain.
    """
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())


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


def extract_files(
    items: list[InputFile],
    profile_dirs: tuple[str, ...] = (),
    line_stats: LineStats | None = None,
    segmenter: str = DEFAULT_ENGINE,
) -> list[FileResult]:
    """Read a batch of files and run the readable ones through the pipeline as one batch.

    `line_stats` are the warehouse's corpus line counts (the pipeline adds the batch's own); each
    file's modification time is its saving time, and `segmenter` the word segmentation engine.
    Files are read one at a time as the pipeline decodes them, so a file's bytes are not held
    beside its text.
    """
    unreadable: dict[int, FileResult] = {}
    digests: list[tuple[int, str]] = []

    def dumps() -> Iterator[Dump]:
        for i, item in enumerate(items):
            try:
                data = read_input(item.path)
            except Unreadable as exc:
                unreadable[i] = FileResult(item, "quarantined", reason=str(exc))
                continue
            digests.append((i, content_hash(data)))
            yield Dump(data, saved_at(item))

    processed = pipeline(profile_dirs, segmenter).run_batch(dumps(), line_stats)
    results = dict(unreadable)
    for (i, digest), dump in zip(digests, processed, strict=True):
        results[i] = _result(items[i], digest, dump)
    return [results[i] for i in range(len(items))]


def same_content(item: InputFile, known_hash: str) -> bool:
    """Whether the file's bytes have this content hash (False when it cannot be read: the worker
    quarantines it with the reason)."""
    try:
        return content_hash(read_input(item.path)) == known_hash
    except Unreadable:
        return False


def _result(item: InputFile, digest: str, dump: ProcessedDump | Rejected) -> FileResult:
    if isinstance(dump, Rejected):
        return FileResult(item, "quarantined", content_hash=digest, reason=dump.reason)
    return FileResult(item, "loaded" if dump.loaded else "quarantined", digest, dump.reason, dump)
