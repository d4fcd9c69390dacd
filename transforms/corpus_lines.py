"""Corpus-level boilerplate (CCNet style): hashes of normalized lines, counted per site.

A line that recurs in many dumps of the same site (navigation, widget labels, a site's fixed
teaser) is boilerplate even when no profile names it. This module is pure: it turns a dump's
lines into hashes, and turns counts (which the warehouse keeps across runs, table `line_hashes`
and view `line_stats`) into the set of hashes to remove. The rule that removes them is the
`corpus_repeat` cleaner.

Only *candidate* lines are counted or removed: short lines (≤ `MAX_CHARS`) without a sentence
end. A quoted sentence two articles share ends in a full stop, or is long, so it is never a
candidate; and a candidate must recur in at least `MIN_FILES` files that make up at least
`MIN_SHARE` of the site's files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from zhnews.transforms.normalize.text import alnum_only

MAX_CHARS = 40
MIN_FILES = 5
MIN_SHARE = 0.25
_SENTENCE = re.compile(r"[。！？!?；;]")
_DIGITS = re.compile(r"\d+")


def normalize_line(text: str) -> str:
    """The form lines are compared in: NFKC, lower case, digit runs as `0`, letters and digits only."""
    return _DIGITS.sub("0", alnum_only(unicodedata.normalize("NFKC", text).lower()))


def is_candidate(text: str) -> bool:
    """A line that may be counted as boilerplate: short, and not a sentence."""
    return candidate_hash(text) is not None


def line_hash(text: str) -> str:
    """A 16-hex-digit hash of the line's normalized form."""
    return _hash(normalize_line(text))


def candidate_hash(text: str) -> str | None:
    """`line_hash(text)` when the line is a candidate (`is_candidate`), else None; normalizes once."""
    stripped = text.strip()
    if not 0 < len(stripped) <= MAX_CHARS or _SENTENCE.search(stripped):
        return None
    normal = normalize_line(stripped)
    if not normal:
        return None
    return _hash(normal if stripped == text else normalize_line(text))


def _hash(normal: str) -> str:
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def dump_line_hashes(lines: Iterable[str]) -> frozenset[str]:
    """The distinct hashes of a dump's candidate lines (what the warehouse counts, once per file)."""
    return frozenset(h for h in map(candidate_hash, lines) if h is not None)


@dataclass(slots=True)
class LineStats:
    """Counts over a corpus: files per site, and files per (site, line hash) for frequent lines.

    Not frozen: `repeated` memoizes its answer per site. The counts are not changed once made;
    `merged` makes new ones.
    """

    site_files: Mapping[str, int] = field(default_factory=dict)
    line_files: Mapping[tuple[str, str], int] = field(default_factory=dict)
    _repeated: dict[tuple[str, int, float], frozenset[str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def merged(self, dumps: Iterable[tuple[str, frozenset[str]]]) -> LineStats:
        """These counts plus those of more dumps, given as (site, line hashes) pairs."""
        site_files = dict(self.site_files)
        line_files = dict(self.line_files)
        for site, hashes in dumps:
            site_files[site] = site_files.get(site, 0) + 1
            for h in hashes:
                line_files[(site, h)] = line_files.get((site, h), 0) + 1
        return LineStats(site_files, line_files)

    def repeated(self, site: str, min_files: int = MIN_FILES, min_share: float = MIN_SHARE) -> frozenset[str]:
        """Hashes of lines in at least `min_files` of the site's files and `min_share` of them."""
        key = (site, min_files, min_share)
        if key not in self._repeated:  # asked once per dump: compute once per site
            total = self.site_files.get(site, 0)
            self._repeated[key] = (
                frozenset(
                    h
                    for (s, h), n in self.line_files.items()
                    if s == site and n >= min_files and n / total >= min_share
                )
                if total >= min_files
                else frozenset()
            )
        return self._repeated[key]
