"""Deterministic synthetic dumps in the seed layouts, with their gold annotation.

Used by the tests (dumps of known layouts with other articles, outlets and dates than the seeds)
and by the benchmark (a corpus of any size). Every dump comes with a gold entry in the format of
`shared/gold/seeds.json`, so `score_gold.py` can score the pipeline on it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import jieba
from pypinyin import lazy_pinyin

OUTLETS = [
    "新华社",
    "人民网",
    "澎湃新闻",
    "第一财经",
    "中国新闻网",
    "参考消息",
    "北京日报",
    "红星新闻",
    "界面新闻",
    "每日经济新闻",
    "光明网",
    "中国青年报",
    "南方都市报",
    "新京报",
    "经济观察报",
    "钱江晚报",
]
PLACES = ["杭州", "成都", "武汉", "西安", "青岛", "长沙", "昆明", "厦门", "兰州", "南宁", "合肥", "沈阳"]
TOPICS = [
    "新能源汽车",
    "城市更新",
    "乡村振兴",
    "人工智能",
    "冰雪旅游",
    "数字经济",
    "养老服务",
    "海洋牧场",
    "低空经济",
    "跨境电商",
    "职业教育",
    "生态修复",
]
# English summaries ({n}: a Chinese noun romanized, as English coverage names Chinese terms; {ns}: a place)
EN_SENTENCES = [
    "The report on {n} highlights steady growth in {n} across {ns}",
    "Officials in {ns} said the {n} programme would expand to {n} next year",
    "Analysts expect the {n} sector to attract more private investment in {n}",
    "Residents of {ns} welcomed the {n} measures, according to {n} media",
    "{ns} unveiled a plan for {n} and {n} after talks with {n} groups",
    "Shares linked to {n} rose as investors weighed {n} data from {ns}",
    "A survey of {n} users in {ns} found rising demand for {n}",
    "Experts warned that {n} could slow {n} unless {n} improves",
]
TEASER_HEADS = ["{place}举办{topic}论坛", "{topic}迎来新机遇", "{place}发布{topic}新政", "聚焦{topic}发展"]


# Sentence shapes by part of speech (jieba's tags: n noun, v verb, a adjective, d adverb, ns place,
# nr person, nt organisation, t time, vn verbal noun; {num} a figure with a unit). Filled with words
# drawn by frequency from jieba's 350k-word dictionary, the text has the vocabulary and word lengths
# of real news (two unrelated documents share few character 5-grams), not the handful of templates
# an earlier version used (which made every document a near-duplicate of every other).
SENTENCE_PATTERNS = [
    "{ns}{n}{d}{v}{n}{n}，{v}{a}的{n}。",
    "{nr}表示，{n}{d}{v}{vn}，{v}{n}{n}。",
    "据{nt}消息，{ns}{v}{num}{n}，{n}{v}{a}。",
    "{t}，{ns}{n}{v}{n}，{d}{v}{num}。",
    "{n}{n}{d}{v}，{n}{v}{a}{n}，{d}{v}{n}{n}。",
    "在{ns}，{nr}{v}“{n}{vn}”{n}，{v}{n}。",
    "{nt}{v}{ns}{n}{vn}{n}，{n}{v}{num}，{v}{a}{n}。",
    "{a}的{n}{v}{n}{vn}，{nr}{d}{v}{n}。",
]
_NUMBERS = ["{n}亿元", "{n}万人", "{n}%", "{n}个项目", "{n}家企业", "{n}公里", "{n}万元", "{n}年"]
_TAGS = ("n", "v", "a", "d", "ns", "nr", "nt", "t", "vn")
_MIN_FREQ = 50  # rarer dictionary words are mostly obscure


def _parts(pattern: str) -> list[str]:
    """`{n}的{v}` → ['{n}', '的', '{v}']."""
    parts, rest = [], pattern
    while rest:
        end = rest.index("}") + 1 if rest.startswith("{") else (rest.find("{") if "{" in rest else len(rest))
        parts.append(rest[:end])
        rest = rest[end:]
    return parts


class Lexicon:
    """Words of jieba's dictionary by part of speech, each list with cumulative frequency weights."""

    def __init__(self, dictionary: Path):
        by_tag: dict[str, list[tuple[str, float]]] = {tag: [] for tag in _TAGS}
        with dictionary.open(encoding="utf-8") as lines:
            for line in lines:
                word, freq, tag = line.split()
                if tag in by_tag and int(freq) >= _MIN_FREQ and 2 <= len(word) <= 4 and _all_han(word):
                    by_tag[tag].append((word, int(freq) ** 0.75))  # flattened Zipf: common words dominate less
        self.words = {tag: [w for w, _ in pairs] for tag, pairs in by_tag.items()}
        self.weights = {tag: list(accumulate(f for _, f in pairs)) for tag, pairs in by_tag.items()}

    def pick(self, rng: random.Random, tag: str) -> str:
        if tag == "num":
            figure = rng.choice([str(rng.randint(2, 980)), f"{rng.uniform(1, 99):.1f}"])
            return rng.choice(_NUMBERS).format(n=figure)
        return rng.choices(self.words[tag], cum_weights=self.weights[tag])[0]


def _all_han(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of jieba's bundled dictionary (read once per process, ~0.5 s)."""
    return Lexicon(Path(jieba.__file__).with_name("dict.txt"))


@dataclass
class SynthDump:
    """A synthetic dump's file name, text and gold entry."""

    name: str
    text: str
    gold: dict


def pinyin_name(name: str) -> str:
    """`新华社` → `Xin Hua She`, as the English search interface writes outlets."""
    return " ".join(p.capitalize() for p in lazy_pinyin(name))


RECENT_ARTICLES = 200  # articles a repost or a listing snippet may copy
REPOST_SHARE = 0.1  # share of articles that repost a recent one with a paragraph rewritten
EXCERPT_SHARE = 0.25  # share of listing snippets that are the start of a recent article


class Writer:
    """Makes varied, deterministic article text and dumps from one seed."""

    def __init__(self, seed: int = 0, sentences: list[str] | None = None):
        self.rng = random.Random(seed)
        self.sentences = sentences  # a pool every sentence is drawn from (None: made from the dictionary)
        self.recent: deque[list[str]] = deque(maxlen=RECENT_ARTICLES)  # bodies reposts and snippets copy

    def article_body(self, paragraphs: int, sentences: tuple[int, int]) -> list[str]:
        """A new article's paragraphs, or (one time in `1 / REPOST_SHARE`) a recent article's with one
        paragraph rewritten, as a repost with small edits; remembered for later reposts and snippets."""
        r = self.rng
        if self.recent and r.random() < REPOST_SHARE:
            body = list(r.choice(self.recent))
            body[r.randrange(len(body))] = self.paragraph(r.randint(*sentences))
        else:
            body = [self.paragraph(r.randint(*sentences)) for _ in range(paragraphs)]
        self.recent.append(body)
        return body

    def snippet(self) -> str:
        """A listing snippet: new text, or (one time in `1 / EXCERPT_SHARE`) the start of a recent article."""
        r = self.rng
        if self.recent and r.random() < EXCERPT_SHARE:
            return "".join(r.choice(self.recent))[: r.randint(90, 180)]
        return self.paragraph(4)

    def sentence(self) -> str:
        """One sentence: a pattern of parts of speech filled with words of jieba's dictionary (or one of
        the pool's sentences)."""
        if self.sentences:
            return self.rng.choice(self.sentences)
        r, words = self.rng, lexicon()
        pattern = r.choice(SENTENCE_PATTERNS)
        return "".join(words.pick(r, part[1:-1]) if part.startswith("{") else part for part in _parts(pattern))

    def english(self, pattern: str) -> str:
        """An English sentence: `pattern`'s {n} and {ns} slots filled with romanized dictionary words."""
        words = lexicon()
        return "".join(
            pinyin_name(words.pick(self.rng, part[1:-1])).replace(" ", "") if part.startswith("{") else part
            for part in _parts(pattern)
        )

    def paragraph(self, sentences: int = 3) -> str:
        return "".join(self.sentence() for _ in range(sentences))

    def title(self) -> str:
        r = self.rng
        return f"{r.choice(PLACES)}{r.choice(TOPICS)}{r.choice(['再提速', '见成效', '迎新局', '有新招'])}{r.randint(1, 99)}项"

    def when(self, seconds: bool = False) -> dt.datetime:
        r = self.rng
        return dt.datetime(
            r.randint(2019, 2026),
            r.randint(1, 12),
            r.randint(1, 28),
            r.randint(0, 23),
            r.randint(0, 59),
            r.randint(0, 59) if seconds else 0,
        )

    def wrap(self, text: str, width: int) -> str:
        """Insert a hard-wrap space every `width` characters (as a copy tool does)."""
        return " ".join(text[i : i + width] for i in range(0, len(text), width))

    # --- layouts ------------------------------------------------------------------------------
    def listing(self, name: str, interface: str = "en", entries: int = 6) -> SynthDump:
        r = self.rng
        topic = r.choice(TOPICS)
        lines = [topic, "Search documents"] if interface == "en" else ["Workflow", topic, "icon", "搜索文档"]
        docs, excludes = [], ["Search documents" if interface == "en" else "搜索文档"]
        for _ in range(entries):
            title, outlet, when = self.title(), r.choice(OUTLETS), self.when()
            shown = pinyin_name(outlet) if interface == "en" else outlet
            meta = f"{shown}· {when:%Y-%m-%d %H:%M}"
            lines += [title, meta]
            excludes.append(meta)
            doc = {"title": title, "source": outlet, "published_at": when.isoformat() + "+08:00"}
            kind = r.choice(["snippet", "summary"])
            if kind == "snippet":
                text = self.snippet()
                lines.append(self.wrap(text, r.randint(40, 70)) + " ...")
                doc.update(
                    must_include=[text[:30], text[-30:]],
                    must_include_exact=[text[45:75]],
                    body_kind="snippet",
                    truncated=True,
                )
            elif interface == "en":
                text = [self.english(s) for s in r.sample(EN_SENTENCES, 4)]
                lines += [f"Group {i + 1} - {t} [{i + 1}][{i + 3}]" for i, t in enumerate(text)]
                doc.update(must_include=text[:3], body_kind="summary")
            else:
                points = [self.sentence().rstrip("。") for _ in range(4)]
                lines.append(
                    f"{topic}进展 - {points[0]}[1] - {points[1]}[2] 后续安排 - {points[2]}[1] - {points[3]}[3]"
                )
                doc.update(must_include=points, body_kind="summary")
            docs.append(doc)
        layout = f"search listing ({'English' if interface == 'en' else 'Chinese'} interface)"
        gold = {"file": name, "layout": layout, "topic": topic, "documents": docs, "must_exclude": excludes}
        return SynthDump(name, "\n".join(lines), gold)

    def portal(self, name: str, paragraphs: int = 6) -> SynthDump:
        r = self.rng
        title, when = self.title(), self.when(seconds=True)
        body = self.article_body(paragraphs, (2, 4))
        teasers = [
            r.choice(TEASER_HEADS).format(place=r.choice(PLACES), topic=r.choice(TOPICS))[:12]
            + "... "
            + self.sentence()[:40]
            + "..."
            for _ in range(r.randint(4, 9))
        ]
        lines = [title, r.choice(["创始人", "编辑部", "小新"]), f"{when:%Y-%m-%d %H:%M:%S}", str(r.randint(0, 999)), ""]
        for p in body:
            lines += [p, ""]
        lines += ["相关内容", "", "热门资讯", "", *teasers]
        gold = {
            "file": name,
            "layout": "portal article page with trending footer",
            "documents": [
                {
                    "title": title,
                    "source": None,
                    "published_at": when.isoformat() + "+08:00",
                    "must_include": [body[0][:25], body[len(body) // 2][5:30], body[-1][-25:]],
                    "body_kind": "full",
                }
            ],
            "must_exclude": ["热门资讯", *(t[:10] for t in teasers[:3])],
        }
        return SynthDump(name, "\n".join(lines), gold)

    def self_media(self, name: str, paragraphs: int = 8) -> SynthDump:
        body = self.article_body(paragraphs, (1, 3))
        prompt = "阅读此文前,诚邀您点击一下“关注”按钮,方便以后持续为您推送此类文章,同时也便于您进行讨论与分享,您的支持是我们坚持创作的动力~"
        lines = [prompt, "", "打开网易新闻 查看更多图片", ""]
        for i, p in enumerate(body):
            lines += [p, ""]
            if i % 3 == 2:
                lines += ["打开网易新闻 查看更多图片", ""]
        gold = {
            "file": name,
            "layout": "self-media article with follow prompt and image placeholders",
            "documents": [
                {
                    "title": None,
                    "source": None,
                    "published_at": None,
                    "must_include": [body[0][:25], body[-1][-25:]],
                    "body_kind": "full",
                }
            ],
            "must_exclude": ["点击一下“关注”按钮", "打开网易新闻 查看更多图片"],
        }
        return SynthDump(name, "\n".join(lines), gold)

    def any_dump(self, index: int) -> SynthDump:
        """The `index`-th dump of a mixed corpus (all four seed layouts in turn)."""
        kind = index % 4
        name = f"synth_{index:06d}.txt"
        if kind == 0:
            return self.listing(name, "en", self.rng.randint(3, 10))
        if kind == 1:
            return self.listing(name, "zh", self.rng.randint(3, 10))
        if kind == 2:
            return self.portal(name, self.rng.randint(3, 12))
        return self.self_media(name, self.rng.randint(4, 14))
