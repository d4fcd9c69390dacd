"""Single-article pages: page chrome, a header (title, byline, date line), the body, a footer.

`PortalArticle` fits pages whose header carries a publication date near the title, wherever the
site puts its navigation, account card or share widgets; `UndatedPage` fits whole pages that print
no date (a headline right above the article text); `UntitledArticle` fits pages that start straight
with paragraphs (self-media reposts); `GenericArticle` is the fallback for anything else: first
short line as title, the rest body.

How a portal page is read, by structure only (site vocabulary comes from the rulebook):
1. the body is the article text `main_text` finds: the densest run of prose lines, which a page's
   menus, comment threads and feeds around it do not belong to; when no header stands above the
   first substantial run, the heaviest run is tried;
2. the date line is the first short line among the `MAX_HEADER_LINES` above the body that carries a
   full date (or matches a profile's `[fields] dateline` pattern) and has a headline above it (a date
   banner in the menu has none); failing that, one with a date read against the saving time
   (`3小时前`, `昨天`, `11-25 21:36`: feeds and forums print this year's posts so);
3. the title is the nearest heading-like line above the date line, skipping bylines, metadata
   and outlet-sized lines (≤ 6 characters), or the line above it when that is a headline printed
   over its dek, subtitle or author box; e-paper pages print the date above the title, so failing
   that, the first heading-like line between the date line and the body;
4. lines above the header are page chrome (navigation, breadcrumbs, account cards); lines between
   title and date are a byline (`author`, or the outlet when it names a listed one), except an account
   card there (the account name, a follow button, a label above them such as `头条文章`); short
   lines, and unpunctuated tag lines, between the header and the body are header chrome (share
   buttons, counters, `发布于…`), metadata lines there are left for `metadata_lines`; lines after the
   body are page chrome (`after_article`) but for its credit lines;
5. a dump may hold several pages pasted one after another: after an article's body, a date line
   with a title above it and, within `NEXT_HEADER_GAP` lines, at least `MIN_PARAGRAPHS` paragraphs
   opening a text of some weight starts the next article (its page chrome, and the previous
   article's footer, lie between);
6. a page with no date line above its body (Zhihu columns, blogs) may print it right after the body
   (`发布于 2025-11-16 20:05・IP 属地上海`): then the title is the longest heading-like line above
   the body, and the short lines between title and body are header chrome.
The header's lines, and those right after the body, go with the draft (`header`, `after`), so the
pipeline can read which outlet the page credits (`normalize/credits.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from zhnews.transforms.cleaners.metadata_lines import byline_names, metadata_pairs, split_glued_label
from zhnews.transforms.layouts.base import DIGITS_ONLY, chrome, is_boilerplate, looks_like_heading, non_blank
from zhnews.transforms.layouts.main_text import Block, is_paragraph, main_text, text_candidates
from zhnews.transforms.model import Draft, Line, SplitResult
from zhnews.transforms.normalize.dates import BEIJING, find_datetime
from zhnews.transforms.profiles import Rulebook

HEADER_SPAN = 6  # non-blank lines between title and date line that may still be header
MAX_HEADER_LINES = 80  # the date line is looked for among this many lines before the body
MAX_DATE_LINE = 60
MAX_DAY_WORD_LINE = 16  # a short line dated by a day word alone (`昨天`, `爱否科技 前天`) is a date line too
MAX_TAG_LINE = 80  # ... or at most this long without any punctuation
_ANY_PUNCTUATION = re.compile(r"[，。！？；：、“”‘’《》（）,.!?;:()\"']")
MAX_CHROME_CHARS = 20  # a header-chrome line is at most this long and has no full stop
MIN_CHROME_ABOVE = 3  # an undated page has at least this many lines of page chrome above its headline
MIN_HEADLINE = 10  # a heading-like line above the headline candidate this long is the headline itself
MIN_UNDATED_HEADLINE = 6  # an undated page's headline (`飞行物理学常识`): shorter lines above a text are menu items
OUTLET_SIZED = 6  # lines this short next to the date are outlets or authors, not titles
NEXT_ARTICLE_SHARE = 0.3  # a further article's text weighs at least this share of the first's
NEXT_HEADER_GAP = 8  # ... and opens within this many lines of its date line
MIN_PARAGRAPHS = 2  # a further article in the same dump starts with at least this many paragraphs
MIN_LOOSE_PROSE = 15  # a comma-separated line this long counts as prose in a post without full stops
MIN_PROSE_RUN = 3
_CLAUSE_MARK = re.compile(r"[，,！!？?；;：:]")  # consecutive such lines that make a post's text
TRAILING_DATE_GAP = 3  # a date line after the body is at most this many lines below a paragraph
_STAMP_PREFIX = re.compile(r"^\D*?[\u4e00-\u9fffA-Za-z]\D*?(?=\d)")  # what a stamp prints before its date
_SOURCE_LABEL = re.compile(r"(?:来源|來源|出处|出處|source)\s*[:：]\s*(?P<name>[^\s|丨【\[]{2,20})", re.I)
_NAME_PART_MAX = 12
_NAME_PART = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{2," + str(_NAME_PART_MAX) + "}$")
_PARTS = re.compile(r"\s*[／/|丨]\s*")
_ROLE_SUFFIX = re.compile(r"[\[【（(][^\]】）)]{1,4}[\]】）)]$")  # `游民星空[整理]`: the outlet and its role
_INDENT = ("\u3000", "  ", "\t")
_DATELINE_FIELDS = frozenset({"published", "source", "outlet", "account", "author"})
_PLACE_LABEL = re.compile(r"^(?:发布于|發布於|發佈於|IP\s*属地|IP\s*屬地)\s*[:：]?\s*")
_NAME_LINE = re.compile(r"^[^，。,！？!?、；;：:]{2,24}$")
FOOTER_LINES = 40  # a page's copyright line is among its last lines
GREETING_LINES = 8  # ... and its greeting (`欢迎来到…`) among its first
CREDIT_REACH = 6  # lines after the article text searched for its credit lines
ACCOUNT_REACH = 4  # lines above a follow button searched for the account name
# Any saving time lets `_dateline` recognize dates read against it (`3小时前`, `11-25 21:36`); the
# date line keeps the text, which the pipeline reads against the file's real saving time.
_SHAPE_REFERENCE = dt.datetime(2000, 6, 15, 12, 0, tzinfo=BEIJING)
_DIGIT = re.compile(r"\d")
# Text glued to the date that is longer than a name and holds no label colon (`14:32来源：中国新闻网责任编辑：张三`
# is a date line): the line is a headline opening with a date.
_HEADLINE_AFTER_DATE = re.compile(r"[\u4e00-\u9fff][^\s|丨/／·・:：]{" + str(_NAME_PART_MAX) + r",}(?:[\s|丨]|$)")


def is_place(text: str, rules: Rulebook) -> bool:
    """A poster's location as pages print it: `四川`, `发布于 北京`, `IP属地：上海`."""
    stripped = text.strip()
    return stripped in rules.places or (
        bool(_PLACE_LABEL.match(stripped)) and _PLACE_LABEL.sub("", stripped) in rules.places
    )


_last_content: tuple = (None, None, [])  # (lines, rules, content) of the last call: the layouts ask in turn


def _content(lines: list[Line], rules: Rulebook) -> list[Line]:
    """Non-blank lines that no boilerplate rule claims (for judging structure only).

    Each layout's fit score and the split ask for the same dump's lines in turn: the last answer is
    kept (one tuple, replaced whole, so threads never mix two dumps' answers)."""
    global _last_content
    last_lines, last_rules, last = _last_content
    if last_lines is lines and last_rules is rules:
        return last
    content = [line for line in non_blank(lines) if not is_boilerplate(line.text, rules)]
    _last_content = (lines, rules, content)
    return content


def _dateline(text: str, rules: Rulebook, yearless: bool = False) -> dict[str, str] | None:
    """Fields a date line gives (`published`, maybe `source`/`outlet`/`account`/`author`), else None.

    With `yearless`, a date read against the saving time counts too (`3小时前`, `11-25 21:36`).
    A name before the date (`每日经济新闻 2025-11-25 22:10`) is kept as `outlet_before`: the
    pipeline credits it only when it is a listed outlet (it may as well be the author).
    """
    stripped = text.strip()
    for pattern in rules.datelines:
        match = pattern.search(stripped)
        if match:
            groups = {k: v.strip() for k, v in match.groupdict().items() if v and v.strip()}
            if {"y", "m", "d"} <= groups.keys():  # a site's own date format, by its parts
                when = f"{groups['y']}-{groups['m']}-{groups['d']}"
                if "H" in groups and "M" in groups:
                    when += f" {groups['H']}:{groups['M']}" + (f":{groups['S']}" if "S" in groups else "")
                groups["published"] = when
            return {k: v for k, v in groups.items() if k in _DATELINE_FIELDS}
    if len(stripped) > MAX_DATE_LINE or is_paragraph(text):
        return None
    found = find_datetime(stripped)
    if not found and yearless and (_DIGIT.search(stripped) or len(stripped) <= MAX_DAY_WORD_LINE):
        found = find_datetime(stripped, _SHAPE_REFERENCE)
    if not found:
        return None
    if _HEADLINE_AFTER_DATE.match(stripped, found[1].end()):
        return None  # `2025年11月25日外交部发言人陈立主持例行记者会`: a headline that opens with its date
    fields = {"published": found[1].group(0).strip()}
    source = _SOURCE_LABEL.search(stripped)
    if source:
        fields["source"] = split_glued_label(source["name"])[0]
    else:
        after = stripped[found[1].end() :].strip()
        part = _PARTS.split(after)[0] if after else ""
        words = [] if is_place(part, rules) else part.split()
        first = _ROLE_SUFFIX.sub("", words[0]) if words else ""
        if _NAME_PART.match(first) and not first.isdigit() and not is_place(first, rules):
            fields["outlet"] = first
        before = stripped[: found[1].start()].strip()
        if before and _NAME_PART.match(before):
            fields["outlet_before"] = before
    return fields


def _loose_prose(raw: str) -> bool:
    """A line of a post written without full stops: a paragraph, or a line of some length with at least
    two clause marks (`，`, `！`, `：`...; a headline has at most one, as `人少景美，周末一日游攻略`)."""
    text = raw.strip()
    return is_paragraph(raw) or (len(text) >= MIN_LOOSE_PROSE and len(_CLAUSE_MARK.findall(text)) >= 2)


def _prose_run(content: list[Line]) -> int:
    """Where the first run of `MIN_PROSE_RUN` consecutive loose-prose lines starts (len(content): none).

    A title is one line and listing snippets alternate with titles and meta lines, so such a run is
    a post's text even when no line of it ends with a full stop."""
    run = 0
    for i, line in enumerate(content):
        run = run + 1 if _loose_prose(line.text) else 0
        if run == MIN_PROSE_RUN:
            return i - MIN_PROSE_RUN + 1
    return len(content)


def _skippable(text: str) -> bool:
    """Lines next to the date line that are not the title: bylines, metadata, counters, outlets."""
    stripped = text.strip()
    return (
        len(stripped) <= OUTLET_SIZED
        or bool(DIGITS_ONLY.match(stripped))
        or metadata_pairs(stripped) is not None
        or byline_names(stripped) is not None
    )


def _title_above(content: list[Line], date_at: int) -> int | None:
    """The headline above a date line: the nearest heading-like line, skipping bylines, counters and
    outlet-sized lines; when the line right above it is heading-like too, that one (a headline printed
    above its dek, subtitle or author box: the headline comes first), unless that is the page's first
    line (a logo, a glued menu: `热门话题科技动态开发者资讯…`)."""
    for i in range(date_at - 1, max(-1, date_at - HEADER_SPAN - 2), -1):
        if _skippable(content[i].text):
            continue
        if not _title_like(content[i].text):
            return None
        above = content[i - 1].text.strip() if i >= 2 else ""  # the page's first line is its logo or menu
        if len(above) >= MIN_HEADLINE and _title_like(above) and not _skippable(above) and not _link_row(above):
            return i - 1
        return i
    return None


def _date_line_in(content: list[Line], span: range, rules: Rulebook, yearless: bool = False) -> int | None:
    """The first date line in `span` with a headline above it (a date banner in the page's menu has
    none), else the first date line."""
    first = None
    for i in span:
        if _dateline(content[i].text, rules, yearless):
            title_at = _title_above(content, i)
            if title_at is not None and len(content[title_at].text.strip()) >= MIN_HEADLINE:
                return i
            first = i if first is None else first
    return first


_ADDRESS = re.compile(r"@|https?://|www\.|\.com\b|\.cn\b|\s[|｜]\s", re.I)
_LINK_ROW_PART = 5  # a navigation row is several labels of at most this many characters


def _link_row(text: str) -> bool:
    """A line of page chrome shaped like a row of links or an address, not a headline:
    `搜索  网站地图 设置首页`, `kingname_notify@163.com 申请入驻`, `界面新闻编辑 | 赵六`."""
    parts = text.split()
    return bool(_ADDRESS.search(text)) or (len(parts) >= 3 and all(len(p) <= _LINK_ROW_PART for p in parts))


_CUT_OFF = re.compile(r"(?:\.\.\.|…)$")
_MENU_BARS = re.compile(r"\s[|｜]\s")  # `首页 | 时事 | 生活`: three or more cells are a menu row, not a headline


def _title_like(text: str) -> bool:
    """A heading-shaped line; a headline the site cut off (`…地铁直达+无敌免...`) still is one."""
    stripped = _CUT_OFF.sub("", text.strip())
    return looks_like_heading(stripped, max_chars=100) and ">" not in stripped and len(_MENU_BARS.findall(stripped)) < 2


@dataclass(frozen=True, slots=True)
class Header:
    """Indexes into the content lines: title, date line, first body line."""

    title_at: int
    date_at: int
    body_at: int
    body_end: int | None = None  # the last line of the article text (None: to the end of the dump)
    body_score: float = 0.0  # the weight of the article text (main_text), to compare articles of one dump
    dated: bool = True  # False: the page prints no date line (date_at is the title's index)


class PortalArticle:
    """A title and, near it, a line with the publication date, above the first paragraph."""

    name = "portal_article"
    best_score = 0.8

    def _header(self, content: list[Line], rules: Rulebook) -> Header | None:
        """The header of the dump's (first) article: tried above each candidate article text in turn
        (`text_candidates`: the first substantial run, then the heaviest), so a prose block with no
        header above it (a notice, a sidebar) does not hide the article."""
        if len(content) < 2:
            return None
        blocks = text_candidates(tuple(line.text for line in content))
        for block in blocks:
            header = self._header_above(content, block, rules)
            if header is not None:
                return header
        return None if blocks else self._header_above(content, None, rules)

    def _header_above(self, content: list[Line], block: Block | None, rules: Rulebook) -> Header | None:
        body_at = block.start if block else None
        body_end = block.end if block else None
        weight = block.score if block else 0.0
        prose = is_paragraph
        if body_at is None:  # no full stop anywhere: a social post's lines (小红书, 微博) may still be prose
            body_at, prose = _prose_run(content), _loose_prose
        span = range(max(0, body_at - MAX_HEADER_LINES), body_at)
        date_at = _date_line_in(content, span, rules)
        if date_at is None:
            date_at = _date_line_in(content, span, rules, yearless=True)
        if date_at is None:
            return self._trailing_date_header(content, body_at, rules, prose)
        title_at = _title_above(content, date_at)
        if title_at is None:
            title_at = next(
                (
                    i
                    for i in range(date_at + 1, body_at)
                    if not _skippable(content[i].text) and _title_like(content[i].text)
                ),
                None,
            )
        if title_at is None and date_at and _title_like(content[date_at - 1].text):  # a very short title
            title_at = date_at - 1
        return None if title_at is None else Header(title_at, date_at, body_at, body_end, weight)

    @staticmethod
    def _trailing_date_header(
        content: list[Line], body_at: int, rules: Rulebook, prose: Callable[[str], bool] = is_paragraph
    ) -> Header | None:
        """A header whose date line follows the body: the longest heading-like line above the body.

        The date may be one read against the saving time (`编辑于 11-23`, `3天前`): notes print so."""
        since_paragraph = None
        date_at = None
        for i in range(body_at, len(content)):
            text = content[i].text
            if prose(text):
                since_paragraph = 0
                continue
            if since_paragraph is None or since_paragraph >= TRAILING_DATE_GAP:
                break
            since_paragraph += 1
            if text.strip() in rules.footer_markers:
                break
            if _dateline(text, rules, yearless=True):
                date_at = i
                break
        if date_at is None:
            return None
        titles = [
            i
            for i in range(body_at)
            if len(content[i].text.strip()) > OUTLET_SIZED
            and not _skippable(content[i].text)
            and _title_like(content[i].text)
        ]
        if not titles:
            return None
        return Header(max(titles, key=lambda i: len(content[i].text.strip())), date_at, body_at)

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        return 0.8 if self._header(_content(lines, rules), rules) else 0.0

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        """One draft per article: pages pasted one after another into a dump are split apart."""
        content = _content(lines, rules)
        starts = self._article_starts(content, rules)
        bounds = [content[start].no for start in starts[1:]]
        drafts, removed = [], []
        for n, start in enumerate(starts):
            low = bounds[n - 1] if n else 0
            high = bounds[n] if n < len(bounds) else None
            segment = [line for line in lines if line.no >= low and (high is None or line.no < high)]
            draft, chrome_lines = self._split_article(segment, content[start : starts[n + 1] if high else None], rules)
            draft.ordinal = n + 1
            drafts.append(draft)
            removed.extend(chrome_lines)
        return SplitResult(layout=self.name, drafts=drafts, chrome=removed)

    def _article_starts(self, content: list[Line], rules: Rulebook) -> list[int]:
        """Where each article's part of the content begins: 0, then after the last paragraph above
        each further header (a title, a date line, then at least `MIN_PARAGRAPHS` paragraphs)."""
        starts = [0]
        header = self._header(content, rules)
        while header is not None and header.date_at < header.body_at:
            start = starts[-1]
            found = self._next_article(content, start + header.body_at, header.body_score, rules)
            if found is None:
                break
            starts.append(found[0])
            header = found[1]
        return starts

    def _next_article(
        self, content: list[Line], after: int, article_score: float, rules: Rulebook
    ) -> tuple[int, Header] | None:
        """The next article after `after`: a header, then within `NEXT_HEADER_GAP` lines at least
        `MIN_PARAGRAPHS` paragraphs that open a text weighing at least `NEXT_ARTICLE_SHARE` of this article's
        (a dated feed of teasers and the comment thread below it is no article)."""
        last_paragraph = None
        for i in range(after, len(content)):
            if is_paragraph(content[i].text):
                last_paragraph = i
                continue
            if last_paragraph is None or i - last_paragraph > MAX_HEADER_LINES or not _dateline(content[i].text, rules):
                continue
            start = last_paragraph + 1
            # a bounded window: each candidate costs the same however long the dump is
            header = self._header(content[start : i + MAX_HEADER_LINES], rules)
            if header is None or header.date_at != i - start:
                continue
            body = content[start + header.body_at : start + header.body_at + MIN_PARAGRAPHS]
            if len(body) < MIN_PARAGRAPHS or not all(is_paragraph(line.text) for line in body):
                continue
            if header.body_at - header.date_at > NEXT_HEADER_GAP:
                continue
            text = main_text([line.text for line in content[start + header.body_at :]])
            if text is not None and text.score >= NEXT_ARTICLE_SHARE * article_score:
                return start, header
        return None

    def _split_article(self, lines: list[Line], content: list[Line], rules: Rulebook) -> tuple[Draft, list]:
        """The draft of one article (its lines and content lines), and its page-chrome lines."""
        header = self._header(content, rules) or Header(0, 0, len(content))
        title, date = content[header.title_at], content[header.date_at]
        trailing = header.date_at >= header.body_at  # the date line follows the body
        first = min(header.title_at, header.date_at)
        last = header.title_at if trailing else max(header.title_at, header.date_at)
        first_no, last_no = content[first].no, content[last].no
        body_no = content[header.body_at].no if header.body_at < len(content) else None
        # a post's stamp below its text, printed again below (the replies' stamps), closes the post
        closed = trailing and _stamp_recurs(content, header.date_at)
        end_at = header.date_at if closed else None if trailing else header.body_end
        end_no = None if end_at is None else content[end_at].no
        credits_after = set() if end_no is None else _credits_after(content[end_at + 1 :])
        byline_lines = [] if trailing else content[header.title_at + 1 : header.date_at]
        byline_nos = {line.no for line in byline_lines}
        card_nos = _account_card(byline_lines, rules)
        draft = Draft(ordinal=1, layout=self.name, lines=[])
        draft.fields["title"] = title.text.strip()
        if header.dated:
            draft.fields.update(_dateline(date.text, rules, yearless=True) or {"published": date.text.strip()})
        self._page_fields(draft, lines, content[: header.body_at], rules)
        removed = []
        bylines = []
        for line in non_blank(lines):
            text = line.text.strip()
            if line is title:
                draft.drop(line, "field:title")
            elif line is date:
                draft.drop(line, "field:published")
            elif line.no < first_no or (first_no < line.no < last_no and header.title_at > header.date_at):
                removed.append(chrome(line, "page_chrome"))
            elif line.no in card_nos:
                draft.drop(line, "header_chrome")
            elif line.no in byline_nos and metadata_pairs(text) is None and byline_names(text) is None:
                bylines.append(text)
                draft.drop(line, "field:author")
            elif body_no is not None and last_no < line.no < body_no and _header_chrome(line, rules):
                draft.drop(line, "page_counter" if DIGITS_ONLY.match(text) else "header_chrome")
            elif end_no is not None and line.no > end_no and line.no not in credits_after:
                if is_boilerplate(text, rules):
                    draft.lines.append(line)  # left to the rule that names it (`boilerplate_lines`)
                else:
                    draft.drop(line, "after_article")
            else:
                draft.lines.append(line)
        draft.header = [line.text for line in content[header.title_at : header.body_at]] if not trailing else None
        if end_at is not None:
            draft.after = [line.text for line in content[end_at + 1 : end_at + 1 + CREDIT_REACH]]
        if bylines:
            draft.fields["author"] = " ".join(bylines)
        return draft, removed

    @staticmethod
    def _page_fields(draft: Draft, lines: list[Line], header: list[Line], rules: Rulebook) -> None:
        """Fields the page states outside the header: the account card, the site, the masthead."""
        for i, line in enumerate(header):
            if i and _follow_button(line.text, rules):
                account = _account_above(header[:i], rules)
                if account:
                    draft.fields.setdefault("account", account)
        credit = _site_credit(lines, rules)
        if credit:
            draft.fields["site_credit"] = credit
        if rules.site_source:
            draft.fields["site"] = rules.site_source
        elif rules.masthead:
            first = non_blank(lines)[0].text.strip()
            if 2 <= len(first) <= 12 and looks_like_heading(first):
                draft.fields["site"] = first


def _stamp_recurs(content: list[Line], date_at: int) -> bool:
    """Whether a date line below a text is printed again further down with the same words before the date
    (`〓 某版 发布时间 2005/03/15 … by 甲 〓`, then the replies' `… 2005/03/16 … by 乙 〓`): a thread of posts."""
    prefix = _STAMP_PREFIX.match(content[date_at].text.strip())
    if prefix is None:
        return False
    return any(line.text.strip().startswith(prefix.group()) for line in content[date_at + 1 :])


def _site_credit(lines: list[Line], rules: Rulebook) -> str | None:
    """The site's own name from its copyright footer (the last line, among the page's last
    `FOOTER_LINES`, that names it), else from a greeting among its first `GREETING_LINES`."""
    for line in (*reversed(lines[-FOOTER_LINES:]), *lines[:GREETING_LINES]):
        for pattern in rules.site_credits:
            match = pattern.search(line.text)
            if match:
                return match["site"]
    return None


def _credits_after(after: list[Line]) -> set[int]:
    """Numbers of the credit lines right after the article text (`本文来源：…`, `责任编辑：…`), which
    the metadata cleaner reads into fields; the rest after the article is page chrome."""
    credits = set()
    for line in after[:CREDIT_REACH]:
        text = line.text.strip()
        if metadata_pairs(text) is not None or byline_names(text) is not None:
            credits.add(line.no)
    return credits


def _follow_button(text: str, rules: Rulebook) -> bool:
    """The line an account card puts after the account name (`+关注`, a profile's `文章`)."""
    stripped = text.strip()
    return any(p.search(stripped) for p in rules.account_before)


def _account_card(byline: list[Line], rules: Rulebook) -> set[int]:
    """Numbers of the byline lines that make an account card: everything up to its last follow
    button (the account name, a label above it such as `头条文章`), not an author."""
    last = max((i for i, line in enumerate(byline) if _follow_button(line.text, rules)), default=None)
    return set() if last is None else {line.no for line in byline[: last + 1]}


def _account_above(lines: list[Line], rules: Rulebook) -> str | None:
    """The account name above a follow button: the nearest name-shaped line, skipping the date line,
    the poster's location, other buttons and a bio (a line with punctuation)."""
    for line in reversed(lines[-ACCOUNT_REACH:]):
        text = line.text.strip()
        if _dateline(text, rules) or is_place(text, rules) or _follow_button(text, rules):
            continue
        if byline_names(text) is not None or metadata_pairs(text) is not None:
            continue  # a reporter credit (`新京报记者 陈晨 编辑 刘梦`) is no account name
        if _NAME_LINE.match(text) and not DIGITS_ONLY.match(text):
            return text
    return None


def _header_chrome(line: Line, rules: Rulebook) -> bool:
    """A widget line between the header and the body: a short one without a sentence end (share,
    counters, `发布于…`, font size), or a longer one without any punctuation (a tag cloud glued into one
    line: `知道创宇余弦KconZoomEye…`)."""
    text = line.text.strip()
    if metadata_pairs(text) is not None or byline_names(text) is not None or is_boilerplate(text, rules):
        return False
    if len(text) <= MAX_CHROME_CHARS:
        return not re.search(r"[。！？]", text)
    return len(text) <= MAX_TAG_LINE and not _ANY_PUNCTUATION.search(text)


class UndatedPage(PortalArticle):
    """A whole page that prints no date: page chrome, a headline right above the article text, the
    text (the densest run of prose lines), then page chrome again."""

    name = "undated_page"
    best_score = 0.5

    def _header_above(self, content: list[Line], block: Block | None, rules: Rulebook) -> Header | None:
        if block is None or block.start < MIN_CHROME_ABOVE:
            return None
        title_at = _title_above(content, block.start)
        if title_at is None or len(content[title_at].text.strip()) < MIN_UNDATED_HEADLINE:
            return None
        return Header(title_at, title_at, block.start, block.end, block.score, dated=False)

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        return 0.5 if self._header(_content(lines, rules), rules) else 0.0


class UntitledArticle:
    """Paragraphs from the first line on, with no title or date header (a page whose first line is a short
    non-heading one, `本站永久域名:`, starts with chrome: not this layout)."""

    name = "untitled_article"
    best_score = 0.6

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        content = _content(lines, rules)
        first = content[0].text if content else ""
        if len(content) >= 2 and not looks_like_heading(first, max_chars=100) and is_paragraph(first):
            return 0.6
        return 0.0

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        return SplitResult(layout=self.name, drafts=[Draft(1, self.name, non_blank(lines))], chrome=[])


class GenericArticle:
    """Fallback: the first short line is the title, everything else the body."""

    name = "generic"
    best_score = 0.1

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
