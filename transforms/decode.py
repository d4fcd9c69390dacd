"""Bytes of a dump to text: BOMs first, then strict UTF-8, then a detector. Pure, no I/O.

Refuses, with a reason a person can act on, what is not text: empty files, known binary
signatures (zip, images, PDF...), NUL-riddled content, text full of control or unassigned
characters, and bytes no candidate encoding decodes (`undecodable bytes at offset N`).
Private-use characters are not a sign of binary content: in a saved page they are icon-font
glyphs (share buttons, arrows), which the pipeline removes as chrome (`ICON_GLYPHS`).
Nothing is guessed silently: the encoding and a confidence are returned, and a `note` says when
the choice was a tie-break or when an incomplete character at the end of the file was dropped.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (  # (byte order mark, codec for the bytes after it), longest marks first
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
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
# Detector answers that are subsets of GB18030 / Big5-HKSCS: decode with the superset instead.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
SAMPLE_BYTES = 256 * 1024  # the detector looks at this much; the whole file is then decoded strictly
MAX_CHAOS = 0.5  # detector candidates messier than this are not considered text in that encoding
TIE_CHAOS = 0.02  # candidates this close in messiness are a tie, broken in favour of Chinese text
TEXT_CHECK_CHARS = 100_000  # how much decoded text the not-text check looks at
MAX_ODD_SHARE = 0.01  # more control / unassigned / surrogate characters than this: not text
PREFERRED = ("gb18030", "big5hkscs")  # tie-break order when the detector cannot tell
_TRUNCATED_REASONS = ("unexpected end of data", "incomplete multibyte sequence", "truncated data")


class UndecodableInput(ValueError):
    """The bytes are not a text dump; `reason` says why in words a person can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decoded:
    """A dump's text with `\\n` line ends, how it was decoded, and anything a person should know."""

    text: str
    encoding: str
    confidence: float
    note: str | None = None


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
            name = encoding.removesuffix("-le").removesuffix("-be")  # recorded as utf-8 / utf-16 / utf-32
            text, note = _strict(data, encoding, f"{name}, after a byte order mark", skip=len(bom))
            _require_text(text, f"starts with a {name} byte order mark but is not {name} text")
            return Decoded(normalize_newlines(text), name, 1.0, note)
    nuls = data.count(b"\x00")
    if nuls > len(data) // 100 + 1:
        decoded = _as_bomless_utf16(data)
        if decoded is not None:
            return decoded
        raise UndecodableInput(f"binary content ({nuls} NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not _truncated_at_end(exc, data):
            return _detect(data, exc.start)
        text, note = _strict(data, "utf-8", "utf-8")
    else:
        note = None
    _require_text(text, "decodes as UTF-8 but is full of control characters")
    return Decoded(normalize_newlines(text), "utf-8", 1.0, note)


def _detect(data: bytes, first_bad: int) -> Decoded:
    """Decode non-UTF-8 bytes with the detector's most plausible candidate that decodes them all."""
    start = 0 if first_bad < SAMPLE_BYTES // 2 else first_bad  # legacy text starts at its first non-ASCII byte
    sample = data[start : start + SAMPLE_BYTES]
    for trim in range(4):  # the sample (or the file) may end inside a multibyte character
        candidates, tied = _candidates(sample[: len(sample) - trim])
        if candidates:
            break
    if not candidates:
        raise UndecodableInput(_furthest_failure(data, first_bad))
    failure: UndecodableInput | None = None
    for chaos, encoding in candidates:
        try:
            text, note = _strict(data, encoding, encoding)
        except UndecodableInput as exc:
            failure = failure or exc
            continue
        confidence = round(1.0 - chaos, 3)
        if encoding in tied and len(tied) > 1:
            confidence = round(confidence / len(tied), 3)
            others = ", ".join(e for e in tied if e != encoding)
            tie = f"encoding guessed: {encoding} preferred to equally plausible {others}"
            note = f"{tie}; {note}" if note else tie
        return Decoded(normalize_newlines(text), encoding, confidence, note)
    assert failure is not None
    raise failure


def _furthest_failure(data: bytes, first_bad: int) -> str:
    """The reason for bytes no encoding fits, at the offset where the best reading breaks down."""
    offset, encoding = first_bad, "utf-8"
    for candidate in PREFERRED:
        try:
            data.decode(candidate)
        except UnicodeDecodeError as exc:
            if exc.start > offset:
                offset, encoding = exc.start, candidate
    return f"undecodable bytes at offset {offset} (no encoding fits; {encoding} reads furthest)"


def _candidates(sample: bytes) -> tuple[list[tuple[float, str]], list[str]]:
    """Plausible (chaos, encoding) decodings, best first, and the encodings tied for best.

    Ties (messiness within TIE_CHAOS of the best) go to the reading with the most Chinese text,
    then to PREFERRED encodings (dumps are Chinese news), then to the detector's order.
    """
    found: dict[str, tuple[float, float, int, int]] = {}
    for rank, match in enumerate(from_bytes(sample)):
        try:
            encoding = codecs.lookup(_SUPERSETS.get(match.encoding, match.encoding)).name
        except LookupError:
            continue
        if encoding in found or match.chaos > MAX_CHAOS:
            continue
        text = _decode_sample(sample, encoding)
        if text is None or _odd_share(text) > MAX_ODD_SHARE:
            continue
        preference = PREFERRED.index(encoding) if encoding in PREFERRED else len(PREFERRED)
        found[encoding] = (match.chaos, -round(_chinese_share(text), 2), preference, rank)
    if not found:
        return [], []
    best = min(chaos for chaos, *_ in found.values())
    tied = sorted((e for e, (chaos, *_) in found.items() if chaos - best <= TIE_CHAOS), key=lambda e: found[e][1:])
    rest = sorted((e for e in found if e not in tied), key=lambda e: (found[e][0], found[e][3]))
    return [(found[e][0], e) for e in tied + rest], tied


def _decode_sample(sample: bytes, encoding: str) -> str | None:
    """The sample decoded, allowing a character cut by its end; None if it does not decode."""
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:
            return sample[: exc.start].decode(encoding, errors="replace")
        return None


def _strict(data: bytes, encoding: str, described: str, skip: int = 0) -> tuple[str, str | None]:
    """`data[skip:]` decoded; an incomplete character at the very end is dropped with a note.

    Offsets in reasons count from the start of the file.
    """
    body = memoryview(data)[skip:]
    try:
        return str(body, encoding), None
    except UnicodeDecodeError as exc:
        if _truncated_at_end(exc, body):
            dropped = len(body) - exc.start
            text = str(body[: exc.start], encoding)
            return text, f"incomplete character at the end of the file ({dropped} bytes, as {described}) dropped"
        raise UndecodableInput(f"undecodable bytes at offset {skip + exc.start} (as {described})") from exc


def _truncated_at_end(exc: UnicodeDecodeError, data: bytes | memoryview) -> bool:
    """Whether the only problem is a multibyte character cut off by the end of the file."""
    return exc.end >= len(data) and exc.reason in _TRUNCATED_REASONS


def _odd_share(text: str) -> float:
    """Share of characters no text dump has: controls (but tab, line ends, form feed), unassigned, surrogates."""
    sample = text[:TEXT_CHECK_CHARS]
    odd = len(_ODD_BMP.findall(sample)) + sum(map(_is_odd, _ASTRAL.findall(sample)))
    return odd / max(len(sample), 1)


def _chinese_share(text: str) -> float:
    """Share of non-space characters that are Han ideographs, CJK punctuation, full-width forms or ASCII."""
    sample = _SPACE.sub("", text[:TEXT_CHECK_CHARS])
    return len(_CHINESE.findall(sample)) / max(len(sample), 1)


_ODD_CATEGORIES = frozenset({"Cc", "Cn", "Cs"})  # not Co (private use): icon-font glyphs in page copies

# Private-use characters (the BMP's U+E000-U+F8FF and planes 15-16): in a page copy, glyphs of an
# icon font (share and like buttons, arrows, logos) that show as boxes or nothing outside the page.
ICON_GLYPHS = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]+")


def _is_odd(ch: str) -> bool:
    """A control (but tab, line ends, form feed), unassigned or surrogate character."""
    return ch not in "\t\n\r\f\v" and unicodedata.category(ch) in _ODD_CATEGORIES


def bmp_class(accepts: Callable[[str], bool]) -> re.Pattern[str]:
    """A regex character class of the Basic Multilingual Plane characters `accepts` (a predicate)
    is true of, built once from it, so a text is scanned by the regex engine, not per character."""
    ranges, start = [], None
    for cp in range(0x10001):
        if cp < 0x10000 and accepts(chr(cp)):
            start = cp if start is None else start
        elif start is not None:
            ranges.append(f"\\u{start:04x}" + (f"-\\u{cp - 1:04x}" if cp - 1 > start else ""))
            start = None
    return re.compile(f"[{''.join(ranges)}]" if ranges else "(?!)")


_ODD_BMP = bmp_class(_is_odd)
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")  # checked one by one (rare in news text)
_SPACE = bmp_class(str.isspace)  # every character `str.isspace` is true of is in the BMP (a test checks)
_CHINESE = re.compile(r"[\x00-\x7e\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")


def _require_text(text: str, what: str) -> None:
    share = _odd_share(text)
    if share > MAX_ODD_SHARE:
        raise UndecodableInput(f"binary content ({what}: {share:.0%} control or unassigned characters)")


def _as_bomless_utf16(data: bytes) -> Decoded | None:
    """The text when the bytes are UTF-16 without a byte order mark (NULs mostly on one parity)."""
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding in ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le"):
        try:
            text, note = _strict(data, encoding, encoding)
        except UndecodableInput:
            continue
        if _odd_share(text) <= MAX_ODD_SHARE:
            return Decoded(normalize_newlines(text), "utf-16", 0.9, note)
    return None
