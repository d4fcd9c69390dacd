"""Cleaning operators: one per file, each a small class applied to a document draft.

Operators are composed by name from a config list (`DEFAULT_CLEANERS`), Data-Juicer style. Each
moves whole lines to `draft.removed` with its rule name, or edits text in place and counts the
edits; none loses a line silently.
"""

from zhnews.transforms.cleaners.base import CLEANERS, DEFAULT_CLEANERS, Cleaner, build_cleaners

__all__ = ["CLEANERS", "DEFAULT_CLEANERS", "Cleaner", "build_cleaners"]
