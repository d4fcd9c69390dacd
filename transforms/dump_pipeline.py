"""One dump's bytes → everything ingest stores for it. Pure, no I/O.

`DumpPipeline` is the per-dump pipeline: decode → survey → split, clean, normalize (with the
corpus line counts and the dump's saving time) → segment and fingerprint the documents. The ingest
workers (`flows/extract.py`), `zhnews explain` and the benchmarks all run dumps through it, so what
explain shows is what ingest stores for the same bytes, saving time and corpus counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from zhnews.transforms.corpus_lines import LineStats
from zhnews.transforms.decode import Decoded, UndecodableInput, decode_dump
from zhnews.transforms.doc_text import BatchAnalysis, analyse_batch, concat_analyses, version_of
from zhnews.transforms.model import Document
from zhnews.transforms.pipeline import MAX_BODY_CHARS, DumpExtract, DumpProcessor
from zhnews.transforms.profiles import ProfileSet
from zhnews.transforms.segment import Segmenter

ANALYSIS_CHARS = 250_000  # body characters analysed at once (their tokens are held as Python strings)


@dataclass(frozen=True, slots=True)
class Dump:
    """A dump as the pipeline takes it: its bytes and when it was saved.

    `saved_at` (the file's modification time) dates `12月2日` without a year and relative stamps
    (`3小时前`); None leaves them undated.
    """

    data: bytes
    saved_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A dump that is not text (`decode_dump` refused it), with the reason."""

    reason: str


@dataclass(slots=True)
class ProcessedDump:
    """Everything ingest stores for one dump: how it was decoded, what the pipeline made of it, and
    the segmentation and fingerprints of its distinct document versions (None without a segmenter)."""

    decoded: Decoded
    extract: DumpExtract  # layout, profiles, documents, removed lines, rule counts, site, line hashes
    analysis: BatchAnalysis | None = None

    @property
    def documents(self) -> list[Document]:
        return self.extract.documents

    @property
    def loaded(self) -> bool:
        """Whether ingest loads the dump (it has documents), rather than quarantining it."""
        return bool(self.extract.documents)

    @property
    def reason(self) -> str | None:
        """Why the dump is quarantined, or what a person should know about how it was loaded."""
        warnings = [self.decoded.note] if self.decoded.note else []
        if not self.extract.documents:
            warnings.insert(0, "no documents found")
        elif self.extract.layout == "generic":
            warnings.append("unknown layout: loaded with the generic title + body fallback")
        if any("body_truncated" in d.flags for d in self.extract.documents):
            warnings.append(f"a document longer than {MAX_BODY_CHARS:,} characters was cut (flag body_truncated)")
        return "; ".join(warnings) or None


class DumpPipeline:
    """Runs dumps through decode, split, clean, normalize and (with a segmenter) text analytics.

    Built once per process and profile set: it holds the profiles, cleaners, outlet resolver and
    segmenter, which are expensive to build.
    """

    def __init__(self, profiles: ProfileSet, segmenter: Segmenter | None = None):
        self.processor = DumpProcessor(profiles)
        self.segmenter = segmenter

    def run(self, dump: Dump, line_stats: LineStats | None = None) -> ProcessedDump | Rejected:
        """One dump; `line_stats` are the counts of the corpus it joins (without it)."""
        return self.run_batch([dump], line_stats)[0]

    def run_batch(self, dumps: Iterable[Dump], line_stats: LineStats | None = None) -> list[ProcessedDump | Rejected]:
        """Many dumps at once: each is processed with the corpus counts `line_stats` plus those of
        every dump of the batch, so lines repeated across the batch's dumps of one site are found
        on a first run too; their documents are segmented together (`analyse_batch`).

        `dumps` is iterated once, each dump decoded as it comes: given a generator, a dump's bytes
        need not be held beside its text."""
        decoded: list[Decoded | Rejected] = []
        saved: list[dt.datetime | None] = []
        for dump in dumps:
            decoded.append(_decoded(dump.data))
            saved.append(dump.saved_at)
        surveys = {i: self.processor.survey(d.text) for i, d in enumerate(decoded) if isinstance(d, Decoded)}
        stats = (line_stats or LineStats()).merged((s.site, s.line_hashes) for s in surveys.values())
        results: list[ProcessedDump | Rejected] = [
            ProcessedDump(d, self.processor.process(d.text, saved_at, stats, surveys[i]))
            if isinstance(d, Decoded)
            else d
            for i, (saved_at, d) in enumerate(zip(saved, decoded, strict=True))
        ]
        if self.segmenter is not None:
            self._analyse([r for r in results if isinstance(r, ProcessedDump)])
        return results

    def _analyse(self, dumps: list[ProcessedDump]) -> None:
        """Segment and fingerprint the dumps' distinct document versions (a repeat within a dump is
        analysed once), a group of about `ANALYSIS_CHARS` body characters at a time."""
        parts: list[list[BatchAnalysis]] = [[] for _ in dumps]
        for group in _analysis_groups(dumps):
            batch = analyse_batch([doc for _, doc, _ in group], self.segmenter, [version for *_, version in group])
            start = 0
            for owner, docs in groupby(owner for owner, _, _ in group):
                stop = start + sum(1 for _ in docs)
                parts[owner].append(batch.slice(start, stop))
                start = stop
        for dump, analyses in zip(dumps, parts, strict=True):
            dump.analysis = concat_analyses(analyses)


def _decoded(data: bytes) -> Decoded | Rejected:
    try:
        return decode_dump(data)
    except UndecodableInput as exc:
        return Rejected(exc.reason)


def distinct_versions(documents: list[Document]) -> list[tuple[Document, str]]:
    """The documents of a dump once per (doc_id, version), with their version: a page saved twice
    is analysed once."""
    return [(d, version) for (_, version), d in {(d.doc_id, version_of(d.title, d.body)): d for d in documents}.items()]


def _analysis_groups(dumps: list[ProcessedDump]) -> Iterator[list[tuple[int, Document, str]]]:
    """(dump index, document, version) of the dumps' distinct document versions, in groups of about
    `ANALYSIS_CHARS` body characters."""
    group: list[tuple[int, Document, str]] = []
    size = 0
    for owner, dump in enumerate(dumps):
        for doc, version in distinct_versions(dump.documents):
            if group and size + len(doc.body) > ANALYSIS_CHARS:
                yield group
                group, size = [], 0
            group.append((owner, doc, version))
            size += len(doc.body)
    if group:
        yield group
