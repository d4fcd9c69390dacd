"""Removes lines that recur across many dumps of the same site (see `transforms.corpus_lines`)."""

from __future__ import annotations

from zhnews.transforms.corpus_lines import candidate_hash
from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook


class CorpusRepeat:
    """Drops candidate lines whose hash the rulebook lists as repeated for the dump's site."""

    name = "corpus_repeat"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        if not rules.repeated_lines:
            return
        kept = []
        for line in draft.lines:
            if candidate_hash(line.text) in rules.repeated_lines:
                draft.drop(line, self.name)
            else:
                kept.append(line)
        draft.lines = kept
