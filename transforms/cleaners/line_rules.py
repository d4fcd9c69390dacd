"""Removes lines matched by the rulebook's boilerplate patterns (follow prompts, placeholders, ads)."""

from __future__ import annotations

from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook


class BoilerplateLines:
    """Drops every line that a `[[remove]]` pattern of an active profile matches."""

    name = "boilerplate_lines"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        kept = []
        for line in draft.lines:
            stripped = line.text.strip()
            rule = (
                next((r for r in rules.remove if r.pattern.search(stripped)), None) if rules.removes(stripped) else None
            )
            if rule is None:
                kept.append(line)
            else:
                draft.drop(line, f"{rule.profile}:{rule.rule}")
        draft.lines = kept
