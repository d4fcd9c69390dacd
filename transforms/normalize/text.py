"""Canonical text forms used for identity and comparison (not for display)."""

from __future__ import annotations

import re
import unicodedata


def nfc(text: str) -> str:
    """Display form: NFC, with fullwidth ASCII letters/digits folded and odd spaces made plain."""
    text = unicodedata.normalize("NFC", text)
    # str.translate looks every character up in a dict: only pay that when there is something to fold
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


def canonical(text: str | None) -> str:
    """Identity form: NFKC, lower case, letters and digits only."""
    return alnum_only(unicodedata.normalize("NFKC", text or "").lower())


def alnum_only(text: str) -> str:
    """The characters of `text` that `str.isalnum` accepts, in order.

    Python's regex `\\w` is exactly `isalnum` plus `_` (for `str` patterns), so one substitution
    does what a per-character filter does, in C.
    """
    return _NOT_ALNUM.sub("", text)


_NOT_ALNUM = re.compile(r"[\W_]+")


_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B) if chr(cp).isalnum()}
_FOLD.update({0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: None, 0xFEFF: None})
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _FOLD) + "]")
