"""Deterministic synthetic dumps in the seed layouts, with their gold annotation.

Used by the tests (dumps of known layouts with other articles, outlets and dates than the seeds)
and by the benchmark (a corpus of any size). Every dump comes with a gold entry in the format of
`shared/gold/seeds.json`, so `score_gold.py` can score the pipeline on it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

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
SUBJECTS = [
    "当地政府",
    "研究团队",
    "多家企业",
    "有关部门",
    "专家学者",
    "市场人士",
    "志愿者队伍",
    "交通部门",
    "气象台",
    "文旅部门",
    "高校师生",
    "社区居民",
]
ACTIONS = [
    "发布了新的实施方案",
    "启动了为期三个月的专项行动",
    "公布了最新统计数据",
    "举行了新闻发布会",
    "签署了合作协议",
    "完成了阶段性测试",
    "推出了便民服务措施",
    "召开了专题座谈会",
]
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
DETAILS = [
    "涉及资金约{n}亿元",
    "覆盖{n}个街道和乡镇",
    "同比增长{n}个百分点",
    "预计带动就业{n}万人",
    "首批{n}个项目已经落地",
    "参与人数超过{n}万人次",
]
EN_SENTENCES = [
    "The report highlights steady growth in {topic} across {place}",
    "Officials in {place} said the programme would expand next year",
    "Analysts expect the {topic} sector to attract more private investment",
    "Residents welcomed the measures, according to local media",
]
TEASER_HEADS = ["{place}举办{topic}论坛", "{topic}迎来新机遇", "{place}发布{topic}新政", "聚焦{topic}发展"]


@dataclass
class SynthDump:
    """A synthetic dump's file name, text and gold entry."""

    name: str
    text: str
    gold: dict


def pinyin_name(name: str) -> str:
    """`新华社` → `Xin Hua She`, as the English search interface writes outlets."""
    return " ".join(p.capitalize() for p in lazy_pinyin(name))


class Writer:
    """Makes varied, deterministic article text and dumps from one seed."""

    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)

    def sentence(self) -> str:
        r = self.rng
        detail = r.choice(DETAILS).format(n=r.randint(2, 980))
        return f"{r.choice(PLACES)}{r.choice(SUBJECTS)}围绕{r.choice(TOPICS)}{r.choice(ACTIONS)},{detail}。"

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
                text = self.paragraph(4)
                lines.append(self.wrap(text, r.randint(40, 70)) + " ...")
                doc.update(
                    must_include=[text[:30], text[-30:]],
                    must_include_exact=[text[45:75]],
                    body_kind="snippet",
                    truncated=True,
                )
            elif interface == "en":
                text = [s.format(topic=r.choice(TOPICS), place=r.choice(PLACES)) for s in EN_SENTENCES]
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
        body = [self.paragraph(r.randint(2, 4)) for _ in range(paragraphs)]
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
        r = self.rng
        body = [self.paragraph(r.randint(1, 3)) for _ in range(paragraphs)]
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
