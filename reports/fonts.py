"""The report's own CJK font, so that its Chinese never depends on the viewer's system fonts.

The page embeds a subset of Noto Sans CJK SC (SIL Open Font License 1.1; the `noto-cjk-sans-otc`
package ships the font collection) holding exactly the characters the page shows, as a WOFF data
URL in an `@font-face` rule. The page's styles and the charts name that face first.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterable
from functools import lru_cache

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FONT_FAMILY = "zhnews CJK"  # the embedded face, named first in every font stack of the page
SOURCE_FACE = "Noto Sans CJK SC"  # the face of the collection that is subset: mainland forms, every CJK ideograph
_JSON_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")


def shown_characters(text: str) -> set[str]:
    """The characters of HTML text, with JSON `\\uXXXX` escapes (chart data) read as the characters they stand for."""

    def unescaped(match: re.Match[str]) -> str:
        try:
            return json.loads(f'"{match.group(0)}"')
        except ValueError:  # a lone surrogate escape: not a character to draw
            return ""

    return set(_JSON_ESCAPES.sub(unescaped, text))


def font_face_css(characters: Iterable[str]) -> str:
    """An `@font-face` rule for FONT_FAMILY with the glyphs of `characters` (those the font has) embedded."""
    woff = _subset("".join(sorted(set(characters))))
    data = base64.b64encode(woff).decode("ascii")
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; font-style: normal; font-weight: 400;"
        f" src: url(data:font/woff;base64,{data}) format('woff'); }}"
    )


@lru_cache(maxsize=4)
def _subset(text: str) -> bytes:
    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; WOFF2 would need brotli
    options.name_IDs = ["*"]  # keeps the font's copyright and licence names with the glyphs
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    out = io.BytesIO()
    with _source_font() as font:
        subsetter.subset(font)
        font.save(out)
    return out.getvalue()


def _source_font() -> TTFont:
    """A fresh copy of SOURCE_FACE from the installed collection (subsetting changes the font it is given)."""
    from noto_cjk_sans_otc import FONT_PATH

    path = str(FONT_PATH)
    with TTCollection(path, lazy=True) as collection:
        names = [font["name"].getDebugName(4) for font in collection.fonts]
    if SOURCE_FACE not in names:
        raise LookupError(f"{path} has no face {SOURCE_FACE!r}")
    return TTFont(path, fontNumber=names.index(SOURCE_FACE), lazy=True)
