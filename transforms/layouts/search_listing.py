"""Search-result listings: blocks of a title, an `outlet· date` line and a snippet or summary.

Two block shapes are recognized by structure: the meta line right under the title
(title / `outlet· date` / snippet, the seed tool) or after the snippet
(title / snippet / `outlet  2025年12月2日`, Baidu-style news search). The meta line separates
outlet and date by `·`, `•`, `|` or spaces; the date is full (`2025年12月2日`) or, as feeds and
WeChat searches show it, read against the saving time (`3小时前`, `1天前`, `11月18日`). Year-less
stamps below an article's own date line are its comments, not a listing. A counter between outlet
and date (`新京报  128条评论  2小时前`) is dropped. The header before the first block holds the search
topic and interface chrome (listed per site in the profiles' `[listing] chrome`): the topic is
the query echoed above a search button (`[listing] buttons`: `搜索`, `百度一下`, `搜文章`), else the
first line that is neither chrome nor a result count (`搜狗已为您找到约8,426条相关结果`); in the
meta-after shape, lines after the last meta line are the page's footer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from zhnews.transforms.layouts.base import chrome, looks_like_heading, non_blank
from zhnews.transforms.layouts.main_text import is_paragraph, main_text
from zhnews.transforms.model import Draft, Line, SplitResult
from zhnews.transforms.normalize.dates import date_shape, find_datetime
from zhnews.transforms.profiles import Rulebook

# "Xin Lang Cai Jing· 2025-12-25 17:24", "新浪财经 · 2025年12月25日", "证券时报· 2025-11-18 09:20",
# "新华网  2025年12月2日" (an outlet without spaces may be separated by spaces alone)
_META = re.compile(r"^(?:(?P<outlet>[^\s·•|].{0,40}?)\s*[·•|]|(?P<bare>[^\s·•|]{2,20})\s+)\s*(?P<when>[^·•|]{3,24})$")


# The date of a meta line lies within its last 24 characters (`when` above) and has a digit or a
# day word: a cheap test that spares most lines the regex.
_DATE_HINT = re.compile(r"\d|[今昨前]天")
_META_SEPARATOR = re.compile(r"[\s·•|]")  # every `_META` match holds one (between outlet and date)
MAX_META_CHARS = 90
ARTICLE_PARAGRAPHS = 3  # paragraphs above the first meta line that make the page an article with dated comments
# A counter a listing prints between outlet and date: `128条评论`, `3.2万阅读`, `56跟帖`.
_COUNTER = re.compile(r"\s+\d+(?:\.\d+)?\s*[万wWkK]?\s*(?:条评论|評論|评论|跟帖|次阅读|阅读|閱讀|次播放|播放)(?=\s)")
_COUNTER_WORDS = ("评论", "評論", "跟帖", "阅读", "閱讀", "播放")
# `百度为您找到相关结果约1,230个`, `搜狗已为您找到约8,426条相关结果`, `找到约 56 条关于“城市更新”的结果`, `About 1,230 results`
_RESULT_COUNT = re.compile(
    r"^(?=.{0,60}$)(?:.{0,16}(?:找到|共有|共计|共)\D{0,10}\d[\d,，]*\s*万?\s*(?:条|个|個|篇|项|項)|About\s+[\d,]+\s+results?\b)"
)
_QUOTED = re.compile(r"[“\"「]([^”\"」]{1,30})[”\"」]")


@lru_cache(maxsize=4096)  # layouts ask about the same lines when scoring and when splitting
def meta_fields(text: str) -> tuple[str, str] | None:
    """(outlet, date text) when the line is a listing's `outlet· date` line (full or year-less date)."""
    stripped = text.strip()
    if len(stripped) > MAX_META_CHARS or not _DATE_HINT.search(stripped, max(len(stripped) - 24, 0)):
        return None
    if not _META_SEPARATOR.search(stripped):  # most text lines: without one, `_META` cannot match
        return None
    if any(word in stripped for word in _COUNTER_WORDS):
        stripped = _COUNTER.sub("", stripped)
    match = _META.match(stripped)
    if not match or not date_shape(match["when"]):
        return None
    outlet = (match["outlet"] or match["bare"]).strip()
    if ":" in outlet or "：" in outlet:  # `来源：中国日报网 2025-11-25 16:42` is an article's date line
        return None
    return outlet, match["when"].strip()


def listing_topic(header: list[str], rules: Rulebook) -> int | None:
    """Index of the search topic among a listing's (stripped) header lines: the query echoed above a
    search button (the nearest line above the first button that is neither chrome nor a result
    count), else the first such line."""

    def plain(text: str) -> bool:
        return text not in rules.listing_chrome and text not in rules.listing_buttons and not _RESULT_COUNT.match(text)

    for at, text in enumerate(header):
        if text in rules.listing_buttons:
            above = next((i for i in range(at - 1, -1, -1) if plain(header[i])), None)
            if above is not None:
                return above
    return next((i for i, text in enumerate(header) if plain(text)), None)


def _dated_line(text: str) -> bool:
    """A line carrying a full date that is not a listing meta line (an article's date line)."""
    stripped = text.strip()
    if len(stripped) > 60 or ("20" not in stripped and "19" not in stripped):  # a full date has a 19xx/20xx year
        return False
    return find_datetime(stripped) is not None and meta_fields(stripped) is None


def _article_above(lines: list[Line], first_meta: int) -> bool:
    """Whether the page's article text (`main_text`: its densest run of prose) ends above its first meta
    line with at least `ARTICLE_PARAGRAPHS` paragraphs: an article whose comments carry dates, not a listing
    (a listing's snippets lie between its meta lines)."""
    texts = [line.text for line in lines]
    if sum(map(is_paragraph, texts[:first_meta])) < ARTICLE_PARAGRAPHS:  # a listing's header: its chrome and topic
        return False
    block = main_text(texts)
    if block is None or block.end >= first_meta:
        return False
    return sum(is_paragraph(text) for text in texts[block.start : block.end + 1]) >= ARTICLE_PARAGRAPHS


class SearchListing:
    """Many short documents, each introduced by a title line and an `outlet· date` line."""

    name = "search_listing"
    best_score = 0.95

    def _blocks(self, lines: list[Line]) -> list[int]:
        """Indexes (into the non-blank lines) of the meta lines that follow a title line.

        Year-less meta lines after an article's date line are comment stamps (`网友 3小时前`); so are all
        meta lines below an article's text (a run of at least `ARTICLE_PARAGRAPHS` paragraphs above them).
        """
        metas = [i for i, line in enumerate(lines) if i > 0 and meta_fields(line.text)]
        if metas and _article_above(lines, metas[0]):
            return []
        yearless = {i for i in metas if date_shape(meta_fields(lines[i].text)[1]) != "full"}
        if not yearless:
            return metas
        dated = next((i for i, line in enumerate(lines) if _dated_line(line.text)), len(lines))
        return [i for i in metas if i < dated or i not in yearless]

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        content = non_blank(lines)
        metas = self._blocks(content)
        if len(metas) >= 2:
            return 0.95
        if len(metas) == 1 and rules.listing_chrome & {line.text.strip() for line in content[: metas[0]]}:
            return 0.9
        return 0.0

    @staticmethod
    def _meta_after(content: list[Line], metas: list[int]) -> bool:
        """Whether meta lines follow the snippet (most lines above a meta line are not headings)."""
        above = [looks_like_heading(content[i - 1].text, max_chars=60) for i in metas]
        return sum(not h for h in above) > len(above) / 2

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        content = non_blank(lines)
        metas = self._blocks(content)
        after = self._meta_after(content, metas)
        if after:
            first_title = metas[0] - 1
            while first_title > 0 and not looks_like_heading(content[first_title].text, max_chars=60):
                first_title -= 1
        else:
            first_title = metas[0] - 1
        removed, drafts = [], []
        header = [line.text.strip() for line in content[:first_title]]
        topic_at = listing_topic(header, rules)
        topic = header[topic_at] if topic_at is not None else None
        for at, line in enumerate(content[:first_title]):
            text = header[at]
            if text in rules.listing_chrome or text in rules.listing_buttons:
                removed.append(chrome(line, "listing_chrome"))
            elif at == topic_at:
                removed.append(chrome(line, "field:topic"))
            elif _RESULT_COUNT.match(text):
                quoted = _QUOTED.search(text)
                if quoted and topic is None:
                    topic = quoted.group(1)
                removed.append(chrome(line, "result_count"))
            else:
                removed.append(chrome(line, "listing_header"))
        for n, meta_at in enumerate(metas):
            meta_line = content[meta_at]
            if after:
                title_at = first_title if n == 0 else metas[n - 1] + 1
                body = content[title_at + 1 : meta_at]
            else:
                title_at = meta_at - 1
                end = metas[n + 1] - 1 if n + 1 < len(metas) else len(content)
                body = content[meta_at + 1 : end]
            title_line = content[title_at]
            outlet, when = meta_fields(meta_line.text) or ("", "")
            draft = Draft(ordinal=n + 1, layout=self.name, lines=body)
            draft.fields.update(title=title_line.text.strip(), source=outlet, published=when)
            if topic:
                draft.fields["topic"] = topic
            draft.drop(title_line, "field:title")
            draft.drop(meta_line, "field:source+published")
            drafts.append(draft)
        if after:
            removed.extend(chrome(line, "listing_footer") for line in content[metas[-1] + 1 :])
        return SplitResult(layout=self._variant(removed), drafts=drafts, chrome=removed)

    def _variant(self, header: list) -> str:
        """`search_listing_zh` / `_en` when the interface chrome shows its language."""
        chrome_texts = [r.text for r in header if r.rule == "listing_chrome"]
        if not chrome_texts:
            return self.name
        return f"{self.name}_{'zh' if any(map(_has_han, chrome_texts)) else 'en'}"


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
