"""Per-file work: read, decode, split, clean, normalize. Runs in workers; returns plain records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import load_profiles
from flows.inputs import InputFile, content_hash
from transforms.corpus_lines import LineStats
from transforms.decode import Decoded, UndecodableInput, decode_dump
from transforms.model import Document, RemovedLine
from transforms.normalize.dates import BEIJING
from transforms.pipeline import DumpProcessor, Survey


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
    site: str = "*"
    line_hashes: frozenset[str] = frozenset()


_processors: dict[tuple[str, ...], DumpProcessor] = {}


def processor(profile_dirs: tuple[str, ...] = ()) -> DumpProcessor:
    """One DumpProcessor per process and profile set (building it loads profiles and pinyin)."""
    if profile_dirs not in _processors:
        _processors[profile_dirs] = DumpProcessor(load_profiles(profile_dirs))
    return _processors[profile_dirs]


def extract_file(
    item: InputFile,
    known_hash: str | None,
    profile_dirs: tuple[str, ...] = (),
    line_stats: LineStats | None = None,
) -> FileResult:
    """Process one file; `known_hash` is the content hash the warehouse already holds for it."""
    return extract_files([item], {item.file_id: known_hash} if known_hash else {}, profile_dirs, line_stats)[0]


def extract_files(
    items: list[InputFile],
    known: dict[str, str],
    profile_dirs: tuple[str, ...] = (),
    line_stats: LineStats | None = None,
) -> list[FileResult]:
    """Process a batch of files in two passes; `known` maps file ids to the hashes the warehouse holds.

    Pass one reads and decodes every changed file and counts its candidate lines; pass two
    processes each file with the warehouse's corpus line counts (`line_stats`) plus this batch's,
    so lines repeated across the batch's dumps of one site are found on a first run too. The
    file's modification date dates `12月2日`-style dates that show no year.
    """
    dump_processor = processor(profile_dirs)
    read = [_read(item, known.get(item.file_id)) for item in items]
    surveys = {i: dump_processor.survey(r[1].text) for i, r in enumerate(read) if not isinstance(r, FileResult)}
    stats = (line_stats or LineStats()).merged((s.site, s.line_hashes) for s in surveys.values())
    return [
        r if isinstance(r, FileResult) else _process(item, *r, dump_processor, stats, surveys[i])
        for i, (item, r) in enumerate(zip(items, read, strict=True))
    ]


def _read(item: InputFile, known_hash: str | None) -> FileResult | tuple[str, Decoded]:
    """The file's content hash and text, or its result when it is unchanged or unreadable."""
    try:
        data = Path(item.path).read_bytes()
    except OSError as exc:
        return FileResult(item, "quarantined", reason=f"unreadable: {exc.strerror or exc}")
    digest = content_hash(data)
    if digest == known_hash:
        return FileResult(item, "unchanged", content_hash=digest)
    try:
        return digest, decode_dump(data)
    except UndecodableInput as exc:
        return FileResult(item, "quarantined", content_hash=digest, reason=exc.reason)


def _process(
    item: InputFile, digest: str, decoded: Decoded, dump_processor: DumpProcessor, stats: LineStats, survey: Survey
) -> FileResult:
    try:
        reference = dt.datetime.fromtimestamp(Path(item.path).stat().st_mtime, BEIJING).date()
    except OSError:
        reference = None
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
    if not extract.documents:
        result.outcome, result.reason = "quarantined", "no documents found"
    elif extract.layout == "generic":
        result.reason = "unknown layout: loaded with the generic title + body fallback"
    return result
