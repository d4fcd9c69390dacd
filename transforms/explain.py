"""What the pipeline did with each line of a dump: kept in a body, moved into a field, or removed.

Pure: takes the decoded text and the `DumpExtract` the pipeline made of it. The verdicts are
the same records the warehouse stores in `removed_lines` (rule `field:*` for lines moved into a
field), plus `kept` for body lines and `blank` for empty ones; a line no record covers is
reported as `unaccounted`, which would be a bug (nothing is dropped silently).
"""

from __future__ import annotations

from dataclasses import dataclass

from zhnews.transforms.pipeline import DumpExtract

KEPT, BLANK, FIELD, REMOVED, UNACCOUNTED = "kept", "blank", "field", "removed", "unaccounted"


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """One dump line and what happened to it."""

    line_no: int
    text: str
    status: str  # kept | field | removed | blank | unaccounted
    rule: str  # the rule (`field:title`, `common:follow_prompt`, ...), or `doc N` for kept lines


def explain_lines(text: str, extract: DumpExtract) -> list[LineVerdict]:
    """A verdict for every line of `text` (line ends already normalized to `\\n`)."""
    rules = {r.line_no: r.rule for r in extract.removed}
    kept = {no: doc.ordinal for doc in extract.documents for no in doc.kept_lines}
    verdicts = []
    for no, raw in enumerate(text.split("\n"), start=1):
        if no in kept:
            verdicts.append(LineVerdict(no, raw, KEPT, f"doc {kept[no]}"))
        elif no in rules:
            rule = rules[no]
            verdicts.append(LineVerdict(no, raw, FIELD if rule.startswith("field:") else REMOVED, rule))
        elif not raw.strip():
            verdicts.append(LineVerdict(no, raw, BLANK, ""))
        else:
            verdicts.append(LineVerdict(no, raw, UNACCOUNTED, ""))
    return verdicts
