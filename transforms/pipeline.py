"""From a dump's text to clean document records: split → clean → normalize. Pure, no I/O.

`DumpProcessor` holds what is expensive to build once (profiles, outlet resolver, cleaners) and
turns one decoded dump into a `DumpExtract` at a time, so a caller can stream a corpus through it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from transforms.cleaners import DEFAULT_CLEANERS, build_cleaners
from transforms.layouts import split_dump
from transforms.model import Document, Draft, Line, RemovedLine
from transforms.normalize.body_kind import listing_body_kind
from transforms.normalize.dates import find_datetime
from transforms.normalize.identity import document_id
from transforms.normalize.outlets import OutletResolver
from transforms.normalize.text import nfc
from transforms.profiles import ProfileSet

_SPACES = re.compile(r"[ \t\u3000]+")
MAX_BODY_CHARS = 1_000_000  # documents (and single lines) longer than this are cut, and flagged `body_truncated`


@dataclass(slots=True)
class DumpExtract:
    """Everything one dump yields: its layout, documents, and the lines taken out of it."""

    layout: str
    profiles: tuple[str, ...]
    documents: list[Document]
    removed: list[RemovedLine]
    stats: Counter[str] = field(default_factory=Counter)


def to_lines(text: str) -> list[Line]:
    """Numbered lines of a text (line ends already normalized to `\\n`)."""
    return [Line(no, raw) for no, raw in enumerate(text.split("\n"), start=1)]


def cut_long_lines(lines: list[Line], limit: int = MAX_BODY_CHARS) -> set[int]:
    """Cut lines longer than `limit` (no document may be longer anyway); returns their numbers.

    Done before splitting and cleaning, so a file of one huge line costs no more than the limit.
    """
    cut = set()
    for line in lines:
        if len(line.text) > limit:
            line.text = line.text[:limit]
            cut.add(line.no)
    return cut


class DumpProcessor:
    """Splits, cleans and normalizes dumps with one set of profiles and cleaners."""

    def __init__(self, profiles: ProfileSet, cleaners: tuple[str, ...] = DEFAULT_CLEANERS):
        self.profiles = profiles
        self.cleaners = build_cleaners(cleaners)
        self.outlets = OutletResolver(profiles.outlet_aliases())

    def process(self, text: str) -> DumpExtract:
        """The documents of one decoded dump."""
        lines = to_lines(nfc(text))
        cut = cut_long_lines(lines)
        rules = self.profiles.rulebook_for([line.text for line in lines])
        split = split_dump(lines, rules)
        stats: Counter[str] = Counter()
        documents = []
        removed = list(split.chrome)
        for draft in split.drafts:
            if cut and any(line.no in cut for line in draft.lines):
                draft.flags.add("body_truncated")
            for cleaner in self.cleaners:
                cleaner(draft, rules)
            document = self.finish(draft)
            documents.append(document)
            removed.extend(document.removed)
            stats.update(document.edits)
        stats.update(r.rule for r in removed)
        removed.sort(key=lambda r: r.line_no)
        return DumpExtract(split.layout, rules.profiles, documents, removed, stats)

    def finish(self, draft: Draft) -> Document:
        """Normalize a cleaned draft's fields and body into a document record."""
        fields = draft.fields
        texts = [_SPACES.sub(" ", line.text).strip() for line in draft.lines]
        texts = [t for t in texts if t]
        body = "\n".join(texts)
        flags = set(draft.flags)
        if len(body) > MAX_BODY_CHARS:
            body = body[:MAX_BODY_CHARS]
            flags.add("body_truncated")
        title = _clean_title(fields.get("title"))
        source, known = self.outlets.resolve(fields.get("source"))
        if not known:
            flags.add("source_unresolved")
        found = find_datetime(fields["published"]) if fields.get("published") else None
        published_at = found[0] if found else None
        if fields.get("published") and not found:
            flags.add("date_unparsed")
        if not body:
            flags.add("empty_body")
        kind = (
            listing_body_kind(texts, cited="citation_markers" in draft.edits)
            if draft.layout.startswith("search_listing")
            else "full"
        )
        extra = {k: v for k, v in fields.items() if k not in {"title", "source", "published", "topic", "author"}}
        return Document(
            doc_id=document_id(title, source, published_at, body),
            ordinal=draft.ordinal,
            layout=draft.layout,
            title=title,
            source=source,
            source_raw=fields.get("source"),
            published_at=published_at,
            body=body,
            body_kind=kind,
            truncated="truncated" in flags,
            topic=fields.get("topic"),
            author=fields.get("author"),
            flags=sorted(flags),
            removed=draft.removed,
            edits=dict(draft.edits),
            extra=extra,
        )


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = _SPACES.sub(" ", title).strip()
    return title or None
