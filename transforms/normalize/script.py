"""Chinese script: tell traditional from simplified text, and give a simplified form (OpenCC).

Traditional-script pages (Taiwan, Hong Kong) keep their original text in `title` and `body`; the
simplified form (`title_simplified`, `body_simplified`) is what segmentation, search and
de-duplication use, so that one article in both scripts is one document.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice

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
    sample = "".join(islice((ch for ch in text if "\u3400" <= ch <= "\u9fff"), SAMPLE_HAN))
    if not sample:
        return None
    simplified = _converter("t2s").convert(sample)
    if simplified == sample:  # the common case: nothing to simplify
        return SIMPLIFIED
    traditional_only = _changed(sample, simplified)
    simplified_only = _changed(sample, _converter("s2t").convert(sample))
    return TRADITIONAL if traditional_only >= 2 and traditional_only > 2 * simplified_only else SIMPLIFIED


def to_simplified(text: str) -> str:
    """The text in simplified characters (OpenCC `t2s`: characters and common phrases)."""
    return _converter("t2s").convert(text)
