"""Chinese script: tell traditional from simplified text, and give a simplified form (OpenCC).

Traditional-script pages (Taiwan, Hong Kong) keep their original text in `title` and `body`; the
simplified form (`title_simplified`, `body_simplified`) is what segmentation, search and
de-duplication use, so that one article in both scripts is one document.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
SAMPLE_HAN = 400  # Chinese characters enough to tell the script


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _changed(text: str, converted: str) -> int:
    return sum(a != b for a, b in zip(text, converted, strict=False)) if len(converted) == len(text) else len(text)


def detect_script(text: str) -> str | None:
    """`traditional`, `simplified`, or None when the text has no Chinese characters.

    Counts the characters OpenCC would change to simplified (traditional-only forms) against
    those it would change to traditional (simplified-only forms).
    """
    sample = han_sample(text)
    if not sample:
        return None
    simplified = _converter("t2s").convert(sample)
    if simplified == sample:  # the common case: nothing to simplify
        return SIMPLIFIED
    traditional_only = _changed(sample, simplified)
    simplified_only = _changed(sample, _converter("s2t").convert(sample))
    return TRADITIONAL if traditional_only >= 2 and traditional_only > 2 * simplified_only else SIMPLIFIED


def han_sample(text: str, size: int = SAMPLE_HAN) -> str:
    """The first `size` Chinese characters (U+3400–U+9FFF) of `text`.

    Looks at a prefix first (Chinese text holds them densely), at the whole text only when the
    prefix has too few.
    """
    sample = _NOT_HAN.sub("", text[: 3 * size])
    if len(sample) < size and len(text) > 3 * size:
        sample = _NOT_HAN.sub("", text)
    return sample[:size]


_NOT_HAN = re.compile("[^\u3400-\u9fff]+")


def to_simplified(text: str) -> str:
    """The text in simplified characters (OpenCC `t2s`: characters and common phrases)."""
    return _converter("t2s").convert(text)
