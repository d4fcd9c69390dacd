"""Turns Chinese metadata lines (来源：, 原标题：, 作者：, 责任编辑：, 发布时间：...) into fields.

A line qualifies only when it consists entirely of `label：value` pairs (optionally in brackets),
so a sentence that merely mentions 来源 stays in the body. A reporter credit standing on its own
line (`本报记者 孙晓明`, `新京报记者 吴迪 编辑 杨娟 校对 赵琳`) is a byline and fills `author`.
Labels are in simplified and traditional script.
"""

from __future__ import annotations

import re

from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook

# label → field it fills
LABELS: dict[str, str] = {
    "文章来源": "source", "本文来源": "source", "来源": "source", "來源": "source", "出处": "source",
    "转自": "source", "轉自": "source", "转载自": "source", "稿源": "source",
    "原标题": "origin_title", "原標題": "origin_title", "题": "origin_title", "本文原标题": "origin_title",
    "原题": "origin_title", "原題": "origin_title",
    "作者": "author", "撰文": "author", "文": "author", "记者": "author", "記者": "author",
    "责任编辑": "editor", "責任編輯": "editor", "责编": "editor", "編輯": "editor", "编辑": "editor",
    "校对": "editor", "审核": "editor", "审校": "editor", "主编": "editor", "监制": "editor",
    "发布时间": "published", "發布時間": "published", "发表时间": "published", "時間": "published",
    "时间": "published", "日期": "published", "出版": "published", "發佈時間": "published",
    "更新": "updated", "更新时间": "updated", "更新時間": "updated", "最后更新": "updated", "最後更新": "updated",
    "文字": "author", "撰稿": "author",
    "图片": "photo", "圖片": "photo", "摄影": "photo", "攝影": "photo", "本版责编": "editor", "本版編輯": "editor", "版式设计": "layout_designer",
    "美编": "layout_designer", "统筹": "editor", "策划": "editor", "終審": "editor",
    "终审": "editor", "初审": "editor", "复审": "editor", "值班编辑": "editor", "校對": "editor",
    "文章关键词": "keywords", "关键词": "keywords", "關鍵字": "keywords", "标签": "keywords", "標籤": "keywords",
    "原文链接": "origin_url", "原文連結": "origin_url", "本文转自": "source",
    "来源于": "source", "來源於": "source", "信息来源": "source", "信息來源": "source", "新闻来源": "source",
    "新聞來源": "source",
}  # fmt: skip
# A reporter credit standing alone: `本报记者 孙晓明`, `澎湃新闻记者 朱晓雨`, `新京报记者 吴迪 编辑 杨娟 校对 赵琳`.
_NAME = r"(?!编辑|編輯|校对|校對|摄影|攝影|审核|审校|责编|責編)[\u4e00-\u9fff·]{2,4}"
_ROLE = r"(?:记者|記者|通讯员|通訊員|实习生|實習生)"
# More reporters of other roles may follow: `南方周末记者 周屿 南方周末实习生 林可`.
BYLINE = re.compile(
    rf"^(?P<who>[\u4e00-\u9fff]{{0,8}}?{_ROLE})\s*(?P<names>{_NAME}(?:[\s、，,]+{_NAME}){{0,4}})"
    rf"(?:\s+[\u4e00-\u9fff]{{0,8}}?{_ROLE}\s*{_NAME}(?:[\s、，,]+{_NAME}){{0,4}})*"
    rf"(?:\s+(?:编辑|編輯|校对|校對|摄影|攝影|审核|审校|责编|責編)\s*{_NAME}(?:[\s、]+{_NAME}){{0,2}})*$"
)
_OWN_DESK = re.compile(r"^(本报|本報|本台|本刊|本网|本網|特约|特約|见习|見習|实习|實習)?$")
# A byline whose label ends in a bar, slash or comma instead of a colon: `文｜财新 刘晓彤`,
# `【文/观察者网 王恺】`, `作者,李明哲` (a visually hidden label, pasted with its comma).
LABELLED_BYLINE = re.compile(
    r"^[【\[]?(?:(?:文|作者|撰文|记者|記者|撰稿|口述|整理)\s*[｜|丨/／]|作者\s*[,，])"
    r"\s*(?P<names>[^｜|丨/／,，。！？；：:】\]]{2,30})[】\]]?$"
)
_LABEL = "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True))
# A credit label may carry the outlet's short name: `每经记者：`, `本报记者：`, `每经编辑：`.
_PAIR = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{1,4}}(?=记者|記者|编辑|編輯))?(?P<label>{_LABEL})\s*[:：]\s*(?P<value>\S.{{0,60}})$"
)
_SPLIT = re.compile(rf"\s+(?=(?:{_LABEL})\s*[:：])|\s{{2,}}|\s*[|丨]\s*")
# A label glued to the value before it (`来源：中国新闻网责任编辑：张三`): only labels of two or more
# characters, so a one-character label (`文`, `题`) never cuts a name.
_GLUED_LABEL = re.compile(
    rf"(?<=\S)(?=(?:{'|'.join(sorted((re.escape(k) for k in LABELS if len(k) > 1), key=len, reverse=True))})\s*[:：])"
)
_BRACKETS = "()（）【】[]「」"
# The original title named without a colon: `（原题为《新年伊始，习近平的重要文章谈了啥？》）`.
_ORIGIN_LABELS = "|".join(
    sorted((re.escape(k) for k, f in LABELS.items() if f == "origin_title" and len(k) > 1), key=len, reverse=True)
)
_QUOTED_TITLE = re.compile(rf"^[（(]?(?:{_ORIGIN_LABELS})(?:为|為|是)?\s*[:：]?\s*《(?P<value>[^》]{{2,80}})》[）)]?$")
# Fields whose value is a name (a person, an outlet): a value holding a sentence end is speech, as in a
# press-conference transcript (`法新社记者：中方对此有何回应？`), not a credit.
_NAME_FIELDS = frozenset({"source", "author", "editor", "photo", "layout_designer"})
_SENTENCE_END = re.compile(r"[。？！?!]")
MAX_LINE_CHARS = 120


def byline_names(text: str) -> str | None:
    """The names a stand-alone reporter credit line gives (`本报记者 孙晓明` → `孙晓明`,
    `文｜财新 刘晓彤` → `财新 刘晓彤`), else None."""
    stripped = text.strip()
    if len(stripped) > 40:
        return None
    match = BYLINE.match(stripped) or LABELLED_BYLINE.match(stripped)
    return match["names"].strip() if match else None


def byline_outlet(text: str) -> str | None:
    """The outlet a reporter credit names before the role (`新京报记者 陈晨` → `新京报`), else None
    (`本报记者 孙晓明`, `记者 王磊`: the desk, not an outlet)."""
    stripped = text.strip()
    match = BYLINE.match(stripped) if len(stripped) <= 40 else None
    if match is None:
        return None
    outlet = re.sub(f"{_ROLE}$", "", match["who"])
    return None if _OWN_DESK.match(outlet) else outlet


def metadata_pairs(text: str) -> list[tuple[str, str]] | None:
    """[(field, value), ...] when the line is made only of label：value pairs, else None."""
    stripped = text.strip().strip(_BRACKETS).strip()
    quoted = _QUOTED_TITLE.match(stripped)
    if quoted:
        return [("origin_title", quoted["value"])]
    if not stripped or len(stripped) > MAX_LINE_CHARS or (":" not in stripped and "：" not in stripped):
        return None  # every pair has a colon
    pairs = []
    chunks = [c for c in (c.strip(_BRACKETS + " ") for c in _SPLIT.split(stripped)) if c]
    while chunks:
        match = _PAIR.match(chunks.pop(0))
        if not match:
            return None
        field, value = LABELS[match["label"]], match["value"].strip()
        if field in _NAME_FIELDS or field == "published":  # short values: a free-text one (a title) may hold `X：`
            value, glued = split_glued_label(value)
            if glued:
                chunks.insert(0, glued)
        if field in _NAME_FIELDS and _SENTENCE_END.search(value):
            return None
        pairs.append((field, value))
    return pairs or None


def split_glued_label(value: str) -> tuple[str, str]:
    """A value cut before a label glued to it: `中国新闻网责任编辑：张三` → (`中国新闻网`, `责任编辑：张三`);
    (value, "") when no label follows."""
    glued = _GLUED_LABEL.search(value)
    if glued is None:
        return value, ""
    return value[: glued.start()].rstrip(), value[glued.start() :]


class MetadataLines:
    """Moves metadata lines into fields; a field already set by the layout keeps its value."""

    name = "metadata_lines"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        kept = []
        for line in draft.lines:
            pairs = metadata_pairs(line.text)
            if pairs is None:
                names = byline_names(line.text)
                if names is None:
                    kept.append(line)
                    continue
                pairs = [("author", names)]
                outlet = byline_outlet(line.text)
                if outlet:
                    draft.fields.setdefault("byline_outlet", outlet)
            for field, value in pairs:
                if field in draft.fields:
                    draft.fields.setdefault(f"credited_{field}", value)
                else:
                    draft.fields[field] = value
            draft.drop(line, "field:" + "+".join(dict.fromkeys(f for f, _ in pairs)))
        draft.lines = kept
