"""Bytes of a dump to text: BOMs first, then strict UTF-8, then a detector. Pure, no I/O.

Refuses, with a reason a person can act on, what is not text: empty files, known binary
signatures (zip, images, PDF...), NUL-riddled content, and bytes no candidate encoding decodes.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SIGNATURES = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"%PDF", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x7fELF", "elf"),
    (b"RIFF", "riff"),
    (b"\xd0\xcf\x11\xe0", "ms-office"),
    (b"SQLite format 3", "sqlite"),
)
# Detector answers that are subsets of GB18030: decode with the superset instead.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
SAMPLE_BYTES = 256 * 1024  # the detector looks at this much; the whole file is then decoded strictly
MIN_CONFIDENCE = 0.5


class UndecodableInput(ValueError):
    """The bytes are not a text dump; `reason` says why in words a person can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decoded:
    """A dump's text with `\\n` line ends, and how it was decoded."""

    text: str
    encoding: str
    confidence: float


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR to LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_dump(data: bytes) -> Decoded:
    """Decode a dump's bytes, or raise UndecodableInput with the reason."""
    if not data.strip():
        raise UndecodableInput("empty file" if not data else "blank file (whitespace only)")
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise UndecodableInput(f"binary content ({kind} signature)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(normalize_newlines(_strict(data, encoding)), encoding.removesuffix("-sig"), 1.0)
    nuls = data.count(b"\x00")
    if nuls > len(data) // 100 + 1:
        text = _as_bomless_utf16(data)
        if text is not None:
            return Decoded(normalize_newlines(text), "utf-16", 0.9)
        raise UndecodableInput(f"binary content ({nuls} NUL bytes)")
    try:
        return Decoded(normalize_newlines(data.decode("utf-8")), "utf-8", 1.0)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    best = from_bytes(data[:SAMPLE_BYTES]).best()
    if best is None:
        raise UndecodableInput(f"undecodable bytes at offset {utf8_error.start} (not UTF-8, no encoding fits)")
    encoding = _SUPERSETS.get(best.encoding, best.encoding)
    confidence = round(1.0 - float(best.chaos), 3)
    if confidence < MIN_CONFIDENCE:
        raise UndecodableInput(f"undecodable bytes: best guess {encoding} is only {confidence:.0%} plausible")
    return Decoded(normalize_newlines(_strict(data, encoding)), encoding, confidence)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableInput(f"undecodable bytes at offset {exc.start} (as {encoding})") from exc


def _as_bomless_utf16(data: bytes) -> str | None:
    """The text when NULs sit on one byte parity and UTF-16 decodes it to printable text."""
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if min(even, odd) * 20 > max(even, odd) or len(data) % 2:
        return None
    try:
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:10000])
    return text if printable >= 0.95 * min(len(text), 10000) else None
