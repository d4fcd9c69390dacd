"""Turns Chinese metadata lines (来源：, 原标题：, 作者：, 责任编辑：, 发布时间：...) into fields.

A line qualifies only when it consists entirely of `label：value` pairs (optionally in brackets),
so a sentence that merely mentions 来源 stays in the body.
"""

from __future__ import annotations

import re

from transforms.model import Draft
from transforms.profiles import Rulebook

# label → field it fills
LABELS: dict[str, str] = {
    "文章来源": "source", "本文来源": "source", "来源": "source", "來源": "source", "出处": "source",
    "转自": "source", "轉自": "source", "转载自": "source", "稿源": "source",
    "原标题": "origin_title", "原標題": "origin_title", "题": "origin_title",
    "作者": "author", "撰文": "author", "文": "author", "记者": "author", "記者": "author",
    "责任编辑": "editor", "責任編輯": "editor", "责编": "editor", "編輯": "editor", "编辑": "editor",
    "校对": "editor", "审核": "editor", "审校": "editor", "主编": "editor", "监制": "editor",
    "发布时间": "published", "發布時間": "published", "发表时间": "published", "時間": "published",
    "时间": "published", "日期": "published",
}  # fmt: skip
_LABEL = "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True))
_PAIR = re.compile(rf"^(?P<label>{_LABEL})\s*[:：]\s*(?P<value>\S.{{0,60}})$")
_SPLIT = re.compile(rf"\s+(?=(?:{_LABEL})\s*[:：])|\s{{2,}}|\s*[|丨]\s*")
_BRACKETS = "()（）【】[]「」"
MAX_LINE_CHARS = 120


def metadata_pairs(text: str) -> list[tuple[str, str]] | None:
    """[(field, value), ...] when the line is made only of label：value pairs, else None."""
    stripped = text.strip().strip(_BRACKETS).strip()
    if not stripped or len(stripped) > MAX_LINE_CHARS:
        return None
    pairs = []
    for chunk in filter(None, (c.strip(_BRACKETS + " ") for c in _SPLIT.split(stripped))):
        match = _PAIR.match(chunk)
        if not match:
            return None
        pairs.append((LABELS[match["label"]], match["value"].strip()))
    return pairs or None


class MetadataLines:
    """Moves metadata lines into fields; a field already set by the layout keeps its value."""

    name = "metadata_lines"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        kept = []
        for line in draft.lines:
            pairs = metadata_pairs(line.text)
            if pairs is None:
                kept.append(line)
                continue
            for field, value in pairs:
                if field in draft.fields:
                    draft.fields.setdefault(f"credited_{field}", value)
                else:
                    draft.fields[field] = value
            draft.drop(line, "field:" + "+".join(dict.fromkeys(f for f, _ in pairs)))
        draft.lines = kept
