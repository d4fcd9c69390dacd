"""From a dump's text to clean document records: split → clean → normalize. Pure, no I/O.

`DumpProcessor` holds what is expensive to build once (profiles, outlet resolver, cleaners) and
turns one decoded dump into a `DumpExtract` at a time, so a caller can stream a corpus through it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from zhnews.transforms.cleaners import DEFAULT_CLEANERS, build_cleaners
from zhnews.transforms.corpus_lines import LineStats, dump_line_hashes
from zhnews.transforms.decode import ICON_GLYPHS
from zhnews.transforms.header.reader import HeaderReading, page_of, read_header
from zhnews.transforms.layouts import split_dump
from zhnews.transforms.model import Document, Draft, Line, RemovedLine
from zhnews.transforms.normalize.body_kind import listing_body_kind
from zhnews.transforms.normalize.credits import credited_outlet
from zhnews.transforms.normalize.dates import BEIJING, find_datetime
from zhnews.transforms.normalize.identity import document_id
from zhnews.transforms.normalize.outlets import OutletResolver
from zhnews.transforms.normalize.script import TRADITIONAL, detect_script, to_simplified
from zhnews.transforms.normalize.text import canonical, nfc
from zhnews.transforms.profiles import ProfileSet, Rulebook

_SPACES = re.compile(r"[ \t\u3000]+")
MAX_BODY_CHARS = 1_000_000  # documents (and single lines) longer than this are cut, and flagged `body_truncated`
ICON_GLYPHS_RULE = "icon_glyphs"  # lines of icon-font glyphs only, removed; lines that lost some, counted


@dataclass(slots=True)
class DumpExtract:
    """Everything one dump yields: its layout, documents, and the lines taken out of it."""

    layout: str
    profiles: tuple[str, ...]
    documents: list[Document]
    removed: list[RemovedLine]
    stats: Counter[str] = field(default_factory=Counter)
    site: str = "*"
    line_hashes: frozenset[str] = frozenset()  # candidate-line hashes, for the corpus counts
    headers: dict[int, HeaderReading] = field(default_factory=dict)  # by ordinal, when the processor keeps them


@dataclass(frozen=True, slots=True)
class Survey:
    """A first look at a dump: the rules that apply to it and its candidate-line hashes."""

    rules: Rulebook
    line_hashes: frozenset[str]

    @property
    def site(self) -> str:
        return self.rules.site


def to_lines(text: str) -> list[Line]:
    """Numbered lines of a text (line ends already normalized to `\\n`)."""
    return [Line(no, raw) for no, raw in enumerate(text.split("\n"), start=1)]


def drop_icon_glyphs(lines: list[Line]) -> tuple[list[Line], list[RemovedLine], int]:
    """Cut icon-font glyphs (private-use characters) out of the lines, before anything reads them.

    A line that held nothing but glyphs (and spaces) is removed, recorded as `icon_glyphs`; the
    other lines that held some are edited in place. Returns the remaining lines (numbered as
    before), the removed ones and how many lines were edited.
    """
    kept: list[Line] = []
    removed: list[RemovedLine] = []
    edited = 0
    for line in lines:
        if ICON_GLYPHS.search(line.text) is None:
            kept.append(line)
            continue
        text = ICON_GLYPHS.sub("", line.text)
        if text.strip():
            line.text = text
            kept.append(line)
            edited += 1
        else:
            removed.append(RemovedLine(line.no, line.text, ICON_GLYPHS_RULE))
    return kept, removed, edited


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

    def __init__(self, profiles: ProfileSet, cleaners: tuple[str, ...] = DEFAULT_CLEANERS, keep_headers: bool = False):
        self.profiles = profiles
        self.cleaners = build_cleaners(cleaners)
        self.outlets = OutletResolver(profiles.outlet_aliases())
        self.keep_headers = keep_headers  # keep each page's ranked header candidates (explain, training)

    def survey(self, text: str) -> Survey:
        """The rules that apply to a dump and the hashes of its candidate lines (for the corpus counts)."""
        text = ICON_GLYPHS.sub("", text) if ICON_GLYPHS.search(text) else text  # as `process` drops them
        lines = [line[:MAX_BODY_CHARS] for line in nfc(text).split("\n")]  # as `process` cuts them
        return Survey(self.profiles.rulebook_for(lines, only_possible=True), dump_line_hashes(lines))

    def process(
        self,
        text: str,
        reference: dt.date | None = None,
        line_stats: LineStats | None = None,
        survey: Survey | None = None,
    ) -> DumpExtract:
        """The documents of one decoded dump.

        `reference` (the file's save time, or date) dates `12月2日` without a year and relative
        stamps (`3小时前`); `line_stats` are the
        corpus counts the `corpus_repeat` rule removes repeated lines by; `survey` is this
        text's survey when the caller already made it.
        """
        normalized = nfc(text)
        lines, glyph_lines, glyph_edits = to_lines(normalized), [], 0
        if ICON_GLYPHS.search(normalized):  # one scan of the text: most dumps have none
            lines, glyph_lines, glyph_edits = drop_icon_glyphs(lines)
        cut = cut_long_lines(lines)
        survey = survey or self.survey(text)
        rules, hashes = survey.rules, survey.line_hashes
        if line_stats is not None:
            rules = replace(rules, repeated_lines=line_stats.repeated(rules.site))
        split = split_dump(lines, rules)
        masthead = next((c for c in _masthead_candidates(lines) if self.outlets.is_listed(c)), None)
        stats: Counter[str] = Counter({ICON_GLYPHS_RULE: glyph_edits} if glyph_edits else {})
        documents: list[Document] = []
        removed = [*glyph_lines, *split.chrome]
        seen: set[str] = set()
        headers: dict[int, HeaderReading] = {}
        for draft in split.drafts:
            if cut and any(line.no in cut for line in draft.lines):
                draft.flags.add("body_truncated")
            if masthead:
                draft.fields.setdefault("masthead", masthead)
            for cleaner in self.cleaners:
                cleaner(draft, rules)
            self.read_credit(draft, rules)
            reading = self.read_header(lines, draft, rules, reference) if len(split.drafts) == 1 else None
            chosen = reading.best("date") if reading is not None and reading.model is not None else None
            document = self.finish(draft, reference, chosen.value if chosen else None)
            if document.doc_id in seen:  # the same page saved twice into one dump: one document
                removed.extend(document.removed)
                removed.extend(RemovedLine(line.no, line.text, "repeated_copy") for line in draft.lines)
                continue
            seen.add(document.doc_id)
            document.ordinal = len(documents) + 1
            if reading is not None and self.keep_headers:
                headers[document.ordinal] = reading
            documents.append(document)
            removed.extend(document.removed)
            stats.update(document.edits)
        stats.update(r.rule for r in removed)
        removed.sort(key=lambda r: r.line_no)
        return DumpExtract(split.layout, rules.profiles, documents, removed, stats, rules.site, hashes, headers)

    def read_header(
        self, lines: list[Line], draft: Draft, rules: Rulebook, reference: dt.date | None
    ) -> HeaderReading | None:
        """The header of a single-article page, read by the header model (`transforms/header`): its best
        title, date and outlet replace the rules' reading in the draft's fields. None for other layouts."""
        if draft.layout not in HEADER_LAYOUTS:
            return None
        fields = draft.fields
        when = _as_datetime(reference)
        found = find_datetime(fields["published"], reference) if fields.get("published") else None
        page = page_of(
            lines,
            draft.lines,
            fields,
            rule_title=_clean_title(fields.get("title")),
            rule_date=found[0] if found else None,
            rule_outlet=self.outlets.resolve(self.credited_source(fields))[0],
            reference=when,
        )
        model = self.profiles.header_model
        if page is None:
            return None
        reading = read_header(page, rules, self.outlets, model)
        if model is None:
            return reading
        title, date, outlet = reading.best("title"), reading.best("date"), reading.best("outlet")
        if title is not None:
            fields["title"] = title.text
            taken = set(page.numbers[title.at : title.at + title.span])
            for line in draft.lines:
                if line.no in taken:
                    draft.drop(line, "field:title")
            draft.lines = [line for line in draft.lines if line.no not in taken]
        if date is not None:
            fields["published"] = date.text
        if outlet is not None:
            fields["credited"] = outlet.text
        return reading

    def finish(
        self, draft: Draft, reference: dt.date | None = None, published_at: dt.datetime | None = None
    ) -> Document:
        """Normalize a cleaned draft's fields and body into a document record (`published_at`: the
        publication time the header reader chose, read with the whole page's dates in view)."""
        fields = draft.fields
        texts = [_SPACES.sub(" ", line.text).strip() for line in draft.lines]
        texts = [t for t in texts if t]
        body = "\n".join(texts)
        flags = set(draft.flags)
        if len(body) > MAX_BODY_CHARS:
            body = body[:MAX_BODY_CHARS]
            flags.add("body_truncated")
        title = _clean_title(fields.get("title"))
        source_raw = self.credited_source(fields)
        if source_raw and canonical(source_raw) == canonical(title):
            source_raw = None  # a layout read the headline as a name (`某市发布冬季供暖方案` above its date line)
        source, known = self.outlets.resolve(source_raw)
        if not known:
            flags.add("source_unresolved")
        found = find_datetime(fields["published"], reference) if fields.get("published") else None
        published_at = published_at or (found[0] if found else None)
        if fields.get("published") and not found and published_at is None:
            flags.add("date_unparsed")
        if not body:
            flags.add("empty_body")
        kind = (
            listing_body_kind(texts, cited="citation_markers" in draft.edits)
            if draft.layout.startswith("search_listing")
            else "full"
        )
        extra = {k: v for k, v in fields.items() if k not in _TOP_LEVEL}
        script = detect_script((title or "") + body)
        title_s = to_simplified(title) if script == TRADITIONAL and title else None
        body_s = to_simplified(body) if script == TRADITIONAL else None
        return Document(
            # the fallback layout guesses its title (the page's first short line): it identifies nothing
            doc_id=document_id(title_s or title, source, published_at, body_s or body, "unknown_layout" not in flags),
            ordinal=draft.ordinal,
            layout=draft.layout,
            title=title,
            source=source,
            source_raw=source_raw,
            published_at=published_at,
            body=body,
            body_kind=kind,
            truncated="truncated" in flags,
            topic=fields.get("topic"),
            author=fields.get("author") if fields.get("author") != source_raw else fields.get("credited_author"),
            flags=sorted(flags),
            removed=draft.removed,
            edits=dict(draft.edits),
            extra=extra,
            script=script,
            title_simplified=title_s,
            body_simplified=body_s,
            kept_lines=sorted(n for line in draft.lines if line.text.strip() for n in (line.no, *line.joined)),
        )

    def read_credit(self, draft: Draft, rules: Rulebook) -> None:
        """The outlet an article page credits, from its header, closing lines and what follows them
        (`credited_outlet`), kept in `credited`: it outranks what single fields suggest."""
        if draft.header is None:
            return
        fields = draft.fields
        site = fields.get("site") or fields.get("masthead") or fields.get("site_credit")
        credit = credited_outlet(
            draft.header,
            [line.text for line in draft.lines],
            draft.after,
            rules=rules,
            outlets=self.outlets,
            account=fields.get("account"),
            site=site,
        )
        if credit is not None:
            fields["credited"] = credit.outlet

    def credited_source(self, fields: dict[str, str]) -> str | None:
        """The outlet credited with the article, by precedence.

        An explicit credit (`来源：`, `转自：`) wins; then the outlet on the date line (after the
        date, or a listed one before it); then a byline that is, or starts with, a known outlet
        (`新京报`, `文｜财新 刘晓彤`); then the self-media account; then the site's own outlet
        (profile `[fields] source`, or the masthead), or the first of the dump's first few short lines
        that is a listed outlet (the site's logo: `华尔街见闻`, `明報新聞網`, `德国之声` under `DW 中文`).
        """
        for key in ("credited", "source", "outlet"):
            if fields.get(key):
                return fields[key]
        before = fields.get("outlet_before")
        if before and self.outlets.is_listed(before):
            return before
        if fields.get("byline_outlet") and self.outlets.is_listed(fields["byline_outlet"]):
            return fields["byline_outlet"]  # `新京报记者 陈晨`
        byline = fields.get("author")
        if byline:
            for candidate in (byline, byline.split()[0]):
                if self.outlets.is_listed(candidate):
                    return candidate
        if fields.get("account") or fields.get("site"):
            return fields.get("account") or fields.get("site")
        # a listed outlet among the dump's first lines, else the site's name in its copyright footer
        return fields.get("masthead") or fields.get("site_credit")


HEADER_LAYOUTS = frozenset({"portal_article", "undated_page", "generic"})  # single pages with a header to read


def _as_datetime(reference: dt.date | None) -> dt.datetime | None:
    """The saving time as an aware datetime (a date alone: its noon, Beijing time)."""
    if reference is None or isinstance(reference, dt.datetime):
        return reference
    return dt.datetime.combine(reference, dt.time(12), BEIJING)


# Fields that have their own column, or only serve to choose one.
_TOP_LEVEL = frozenset(
    {
        "title",
        "source",
        "published",
        "topic",
        "author",
        "outlet",
        "site",
        "masthead",
        "outlet_before",
        "byline_outlet",
        "site_credit",
        "credited",
    }
)
MAX_MASTHEAD_CHARS = 12
MASTHEAD_LINES = 4  # the site's logo is one of the dump's first few short lines


def _masthead_candidates(lines: list[Line]) -> list[str]:
    """The dump's first non-blank lines that are short enough to be a site's logo.

    The logo is not always the first line: skip links (`跳過導航`, `跳转至内容`) and a second logo
    line (`DW 中文` then `德国之声`) come before it."""
    found = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if 2 <= len(text) <= MAX_MASTHEAD_CHARS:
            found.append(text)
        if len(found) == MASTHEAD_LINES or line.no > MASTHEAD_LINES * 4:
            break
    return found


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = _SPACES.sub(" ", title).strip()
    return title or None
