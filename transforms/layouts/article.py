"""Single-article pages: a header (title, byline, date, counters, outlet) then the body.

`PortalArticle` fits pages whose header carries a publication date near the title;
`UntitledArticle` fits pages that start straight with paragraphs (self-media reposts);
`GenericArticle` is the fallback for anything else: first short line as title, the rest body.
"""

from __future__ import annotations

import re

from transforms.layouts.base import DIGITS_ONLY, is_boilerplate, looks_like_heading, non_blank
from transforms.model import Draft, Line, SplitResult
from transforms.normalize.dates import find_datetime
from transforms.profiles import Rulebook

HEADER_SPAN = 6  # non-blank lines after the title that may still be header
_SOURCE_LABEL = re.compile(r"(?:来源|來源|出处|出處|source)\s*[:：]\s*(?P<name>[^\s|丨]{2,20})", re.I)


def _content(lines: list[Line], rules: Rulebook) -> list[Line]:
    """Non-blank lines that no boilerplate rule claims (for judging structure only)."""
    return [line for line in non_blank(lines) if not is_boilerplate(line.text, rules)]


def _date_line(text: str) -> bool:
    """A short header line that carries a full date (possibly with outlet, author or views)."""
    stripped = text.strip()
    found = find_datetime(stripped)
    return bool(found) and len(stripped) <= 60


class PortalArticle:
    """Title line, then within a few lines a line with the publication date."""

    name = "portal_article"

    def _header(self, content: list[Line]) -> tuple[int, int] | None:
        """(title index, date index) within `content`, or None."""
        if len(content) < 3 or not looks_like_heading(content[0].text, max_chars=100):
            return None
        for i in range(1, min(len(content), HEADER_SPAN + 1)):
            if _date_line(content[i].text):
                return 0, i
            if not looks_like_heading(content[i].text, max_chars=40):
                return None
        return None

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        return 0.8 if self._header(_content(lines, rules)) else 0.0

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        content = _content(lines, rules)
        title_at, date_at = self._header(content) or (0, 0)
        header_end = date_at + 1
        while header_end < len(content) and DIGITS_ONLY.match(content[header_end].text.strip()):
            header_end += 1
        header_nos = {line.no for line in content[:header_end]}
        draft = Draft(ordinal=1, layout=self.name, lines=[])
        date_text = content[date_at].text.strip()
        found = find_datetime(date_text)
        draft.fields["title"] = content[title_at].text.strip()
        draft.fields["published"] = found[1].group(0).strip() if found else date_text
        rest = (date_text[: found[1].start()] + " " + date_text[found[1].end() :]).strip() if found else ""
        source = _SOURCE_LABEL.search(rest)
        if source:
            draft.fields["source"] = source["name"]
        bylines = [line.text.strip() for line in content[title_at + 1 : date_at]]
        if bylines:
            draft.fields["author"] = " ".join(bylines)
        for line in non_blank(lines):
            if line.no not in header_nos:
                draft.lines.append(line)
            elif line is content[title_at]:
                draft.drop(line, "field:title")
            elif line is content[date_at]:
                draft.drop(line, "field:published")
            elif DIGITS_ONLY.match(line.text.strip()):
                draft.drop(line, "page_counter")
            else:
                draft.drop(line, "field:author")
        return SplitResult(layout=self.name, drafts=[draft], chrome=[])


class UntitledArticle:
    """Paragraphs from the first line on, with no title or date header."""

    name = "untitled_article"

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        content = _content(lines, rules)
        if len(content) >= 2 and not looks_like_heading(content[0].text, max_chars=100):
            return 0.6
        return 0.0

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        return SplitResult(layout=self.name, drafts=[Draft(1, self.name, non_blank(lines))], chrome=[])


class GenericArticle:
    """Fallback: the first short line is the title, everything else the body."""

    name = "generic"

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        return 0.1

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        content = _content(lines, rules)
        draft = Draft(ordinal=1, layout=self.name, lines=[])
        draft.flags.add("unknown_layout")
        title = content[0] if content and looks_like_heading(content[0].text, max_chars=100) else None
        for line in non_blank(lines):
            if line is title:
                draft.fields["title"] = line.text.strip()
                draft.drop(line, "field:title")
            else:
                draft.lines.append(line)
        return SplitResult(layout=self.name, drafts=[draft], chrome=[])
