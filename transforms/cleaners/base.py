"""The cleaner protocol and the registry that composes cleaners from a list of names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook


class Cleaner(Protocol):
    """One cleaning step over a draft; mutates it in place."""

    name: str

    def __call__(self, draft: Draft, rules: Rulebook) -> None: ...


def _registry() -> dict[str, type]:
    from zhnews.transforms.cleaners.citations import CitationMarkers
    from zhnews.transforms.cleaners.corpus_repeat import CorpusRepeat
    from zhnews.transforms.cleaners.footer import TrailingFooter
    from zhnews.transforms.cleaners.hard_wraps import HardWraps
    from zhnews.transforms.cleaners.line_rules import BoilerplateLines
    from zhnews.transforms.cleaners.metadata_lines import MetadataLines
    from zhnews.transforms.cleaners.trailing_chrome import TrailingChrome
    from zhnews.transforms.cleaners.truncation import TruncationMarker
    from zhnews.transforms.cleaners.wrap_spaces import WrapSpaces

    classes = (
        BoilerplateLines,
        CorpusRepeat,
        TrailingFooter,
        MetadataLines,
        HardWraps,
        TrailingChrome,
        TruncationMarker,
        CitationMarkers,
        WrapSpaces,
    )
    return {cls.name: cls for cls in classes}


CLEANERS = _registry()

# Order matters: whole-line rules first, then footers (so a footer marker is not taken for
# metadata), metadata, re-joined hard wraps, the trailing widget run, then in-line edits.
DEFAULT_CLEANERS: tuple[str, ...] = (
    "boilerplate_lines",
    "corpus_repeat",
    "trailing_footer",
    "metadata_lines",
    "hard_wraps",
    "trailing_chrome",
    "truncation_marker",
    "citation_markers",
    "wrap_spaces",
)


def build_cleaners(names: Iterable[str] = DEFAULT_CLEANERS) -> list[Cleaner]:
    """Instantiate cleaners by name, in the given order."""
    unknown = [n for n in names if n not in CLEANERS]
    if unknown:
        raise ValueError(f"unknown cleaner(s): {', '.join(unknown)}; known: {', '.join(sorted(CLEANERS))}")
    return [CLEANERS[n]() for n in names]
