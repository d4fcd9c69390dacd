"""Records that flow through the pipeline: plain dataclasses, no behaviour beyond bookkeeping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class Line:
    """One line of a dump, with its 1-based line number in the decoded file.

    `joined` lists the numbers of later lines merged into this one (hard-wrapped paragraphs).
    """

    no: int
    text: str
    joined: list[int] = field(default_factory=list)


@dataclass(slots=True)
class RemovedLine:
    """A line a rule took out of a document's body (or out of the file's chrome)."""

    line_no: int
    text: str
    rule: str


@dataclass(slots=True)
class Draft:
    """A document while it is being split and cleaned.

    `fields` holds metadata found in the dump (raw strings): `title`, `source`, `published`,
    `author`, `topic`, `origin_title`... Cleaners move lines from `lines` to `removed`
    (or into `fields`) and never lose one.
    """

    ordinal: int
    layout: str
    lines: list[Line]
    fields: dict[str, str] = field(default_factory=dict)
    removed: list[RemovedLine] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    edits: dict[str, int] = field(default_factory=dict)
    header: list[str] | None = None  # an article page's header lines, title first (None: no header read)
    after: list[str] = field(default_factory=list)  # the lines right after the article text

    def edited(self, rule: str, count: int) -> None:
        """Count `count` in-line edits (not whole lines) made by `rule`."""
        if count:
            self.edits[rule] = self.edits.get(rule, 0) + count

    def drop(self, line: Line, rule: str) -> None:
        """Record `line` as removed by `rule` (the caller takes it out of `lines`)."""
        self.removed.append(RemovedLine(line.no, line.text, rule))


@dataclass(slots=True)
class Document:
    """A clean, normalized document ready for the warehouse."""

    doc_id: str
    ordinal: int
    layout: str
    title: str | None
    source: str | None
    source_raw: str | None
    published_at: dt.datetime | None
    body: str
    body_kind: str
    truncated: bool
    topic: str | None
    author: str | None
    flags: list[str]
    removed: list[RemovedLine]
    edits: dict[str, int] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    script: str | None = None  # simplified | traditional (None: no Chinese text)
    title_simplified: str | None = None  # set when the script is traditional
    body_simplified: str | None = None  # set when the script is traditional
    kept_lines: list[int] = field(default_factory=list)  # dump line numbers that make up the body


@dataclass(slots=True)
class SplitResult:
    """What a layout made of one dump: its documents and the file-level chrome it removed."""

    layout: str
    drafts: list[Draft]
    chrome: list[RemovedLine]
