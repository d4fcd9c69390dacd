"""Repairs hard-wrap spaces inside Chinese text: `这一安 排` → `这一安排`, `David Perdue` untouched.

A copy tool that wraps lines at a fixed width and later joins them with a space leaves single
spaces between two Chinese characters. Chinese prose puts no spaces between Han characters, so a
single space with Han (or CJK punctuation) on one side and Han, CJK punctuation or a digit on the
other is taken out, and so is one splitting a number inside Chinese text (`覆盖3 8个` → `覆盖38个`,
`增长82. 9%` → `增长82.9%`).
Spaces next to Latin letters stay, so `David Perdue` and English summaries are untouched.
"""

from __future__ import annotations

import re

from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019\u300a-\u300f"
# Left: a CJK char, or an ASCII punctuation mark that itself follows a Han char ("日方, 认为");
# right: a CJK char. Or: a CJK char on the left and a digit, or ASCII punctuation before Han, on the
# right ("覆盖 38个", "日本 ,韩国").
# Every branch starts with the space itself (its left side is looked behind, space included), so
# the regex engine jumps from space to space instead of trying each position.
WRAP_SPACE = re.compile(
    rf" (?:(?:(?<=[{_CJK}] )|(?<=[\u4e00-\u9fff][,.;:!?\"'()] ))(?=[{_CJK}])"
    rf"|(?<=[{_CJK}] )(?=\d|[,.;:!?)](?:[\u4e00-\u9fff]|$))|(?<=\d )(?=[{_CJK}]))"
)
# A number split by a wrap, inside Chinese text: 覆盖3 8个, 增长82. 9%, 约4 .5亿元 (the CJK character
# before it is looked behind from its first digit, so the engine scans for digits).
SPLIT_NUMBER = re.compile(rf"(\d(?<=[{_CJK}]\d)\d*\.?\d*) (\.?\d+(?:\.\d+)?)(?=[{_CJK}%])")


def repair_wrap_spaces(text: str) -> tuple[str, int]:
    """The text with wrap spaces removed, and how many were removed."""
    if " " not in text:  # both patterns remove a space: most Chinese lines need no regex pass
        return text, 0
    text, numbers = SPLIT_NUMBER.subn(r"\1\2", text)
    text, spaces = WRAP_SPACE.subn("", text)
    return text, numbers + spaces


class WrapSpaces:
    """Removes single spaces between Chinese characters."""

    name = "wrap_spaces"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        for line in draft.lines:
            line.text, count = repair_wrap_spaces(line.text)
            draft.edited(self.name, count)
