"""Required literals of a regular expression: strings one of which every match contains.

Python's regex engine tries every branch of an alternation at every position of a line, so a
profile's many `[detect]` patterns searched line by line cost far more than a plain substring
test. When a pattern's matches must contain one of a few literal strings, a `str in text` test on
the whole text rules the pattern out before any line is searched, without changing a result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

try:  # the standard library's regex parser (private, but stable since 3.11); without it, no literals
    from re import _constants as sre
    from re import _parser
except ImportError:  # pragma: no cover
    _parser = None

Literals = tuple[str, ...]


def required_literals(pattern: re.Pattern[str]) -> Literals | None:
    """Strings such that every match of `pattern` contains at least one of them, or None when no
    such strings are known (case-insensitive patterns, patterns without a literal part)."""
    if _parser is None or pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # an unparsable pattern just gets no literals
        return None
    return _in_sequence(list(parsed))


def _in_sequence(items: Sequence[tuple]) -> Literals | None:
    """The best literal set of a sequence of parsed items (every item of it is part of the match)."""
    found: list[Literals] = []
    run: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            found.append(("".join(run),))
            run = []
        inner = _in_item(op, arg)
        if inner:
            found.append(inner)
    if run:
        found.append(("".join(run),))
    return max(found, key=lambda alternatives: min(map(len, alternatives)), default=None)


def _in_item(op: object, arg: object) -> Literals | None:
    """The literal set of one parsed item that is not a literal character (groups, branches, repeats)."""
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        return None if add_flags & re.IGNORECASE else _in_sequence(list(sub))
    if op is sre.ATOMIC_GROUP:
        return _in_sequence(list(arg))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, _most, sub = arg
        return _in_sequence(list(sub)) if least >= 1 else None
    if op is sre.BRANCH:
        branches = [_in_sequence(list(branch)) for branch in arg[1]]
        if all(branches):
            return tuple(dict.fromkeys(literal for branch in branches for literal in branch))
    return None


def longest_of(literals: Sequence[str]) -> str:
    """A pattern that matches, where any of `literals` starts, the longest of them that starts there
    (as their alternation, longest first, does), written as a trie: `ab|ac|b` → `(?:a(?:b|c)|b)`,
    so the regex engine follows one branch per character instead of trying every literal."""
    trie: dict[str, dict] = {}
    for literal in literals:
        node = trie
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}  # a literal ends here

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        joined = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
        return f"{joined}?" if "" in node else joined  # greedy: the longer literal first

    return pattern(trie)


class PatternFilter:
    """Tells which of a list of patterns may match somewhere in a text, by their required literals.

    One regex pass finds which literals occur (non-overlapping occurrences; a literal hidden by
    an overlapping occurrence of another starts at one of that one's characters, so only such
    literals are looked up again one by one). A pattern without required literals always may.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]):
        self.patterns = tuple(patterns)
        self.unfiltered: set[int] = set()
        self.by_literal: dict[str, set[int]] = {}
        for i, pattern in enumerate(self.patterns):
            literals = required_literals(pattern)
            if literals is None:
                self.unfiltered.add(i)
            for literal in literals or ():
                self.by_literal.setdefault(literal, set()).add(i)
        self.literals = sorted(self.by_literal, key=len, reverse=True)
        self._any = re.compile(longest_of(self.literals)) if self.literals else None
        self._starting: dict[str, list[str]] = {}  # first character -> the literals starting with it
        for literal in self.literals:
            self._starting.setdefault(literal[0], []).append(literal)

    def present(self, text: str) -> set[str]:
        """The required literals that occur in `text`."""
        found = set(self._any.findall(text)) if self._any is not None else set()
        if found:
            for char in set("".join(found)):
                found.update(lit for lit in self._starting.get(char, ()) if lit not in found and lit in text)
        return found

    def possible(self, text: str) -> tuple[int, ...]:
        """Indexes of the patterns that may match somewhere in `text` (the others cannot), in order."""
        indexes = set(self.unfiltered)
        for literal in self.present(text):
            indexes |= self.by_literal[literal]
        return tuple(sorted(indexes))
