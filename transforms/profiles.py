"""Site profiles: the site-specific knowledge of zhnews, kept as data.

A profile is a TOML file (see `transforms/profiles/*.toml`): which lines tell that a dump comes from
the site family (`[detect]`), which lines are boilerplate (`[[remove]]`), which lines start the
trailing footer (`[footer] markers`, exact lines, and `[content] end`, patterns), where the page
names its fields (`[fields]`: dateline patterns with named groups, the line an account card puts
after the account name, the site's own outlet, a masthead, place names a page shows as the
poster's location), how outlet credits read (`[credits]`: values naming no outlet, channel words,
badges and widgets that are no names), the listing interface's chrome and search buttons
(`[listing]`) and outlet aliases (`[outlets]`). Outlet names also come from `outlets*.tsv`. Users
add sites by dropping files into a folder passed with `--profiles`; this module is the only parser.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zhnews.transforms.literals import PatternFilter

BUILTIN_DIR = Path(__file__).parent / "profiles"  # read by flows.config, not here (no I/O in transforms)


@dataclass(frozen=True, slots=True)
class LineRule:
    """A boilerplate line pattern and the name it is recorded under."""

    rule: str
    pattern: re.Pattern[str]
    profile: str


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """One site family's rules, as read from its TOML file."""

    name: str
    always: bool = False
    detect: tuple[re.Pattern[str], ...] = ()
    remove: tuple[LineRule, ...] = ()
    footer_markers: tuple[str, ...] = ()
    listing_chrome: tuple[str, ...] = ()
    listing_buttons: tuple[str, ...] = ()
    outlet_aliases: tuple[tuple[str, str], ...] = ()
    content_end: tuple[re.Pattern[str], ...] = ()
    datelines: tuple[re.Pattern[str], ...] = ()
    account_before: tuple[re.Pattern[str], ...] = ()
    site_credits: tuple[re.Pattern[str], ...] = ()
    site_source: str | None = None
    masthead: bool = False
    places: tuple[str, ...] = ()
    uncredited: tuple[str, ...] = ()
    channel_words: tuple[str, ...] = ()
    not_names: tuple[str, ...] = ()

    def matches(self, lines: Sequence[str]) -> bool:
        """Whether this profile applies to a dump with these (stripped) lines."""
        if self.always:
            return True
        return any(p.search(line) for p in self.detect for line in lines)


_NEVER = re.compile("(?!)")  # matches nothing


def any_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches where any of `patterns` does (None when they cannot be combined)."""
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except re.error:  # e.g. the same group name in two patterns
        return None


@dataclass(slots=True, eq=False)
class Rulebook:
    """The rules in force for one dump: the union of the profiles that apply to it.

    Not frozen: `removes` memoizes its verdicts in `verdicts` (a rulebook is compared and hashed by
    identity). Its rules are not changed once built; `dataclasses.replace` makes a variant.
    """

    profiles: tuple[str, ...]
    remove: tuple[LineRule, ...]
    footer_markers: frozenset[str]
    listing_chrome: frozenset[str]
    listing_buttons: frozenset[str] = frozenset()  # search buttons: the query is the line above one
    content_end: tuple[re.Pattern[str], ...] = ()
    datelines: tuple[re.Pattern[str], ...] = ()
    account_before: tuple[re.Pattern[str], ...] = ()
    site_credits: tuple[re.Pattern[str], ...] = ()  # a footer line naming the site: (?P<site>...)
    site_source: str | None = None
    masthead: bool = False
    places: frozenset[str] = frozenset()  # a poster's location (IP属地) next to a date: never an outlet
    uncredited: frozenset[str] = frozenset()  # 来源 values that name no outlet (`网络`, `本站原创`)
    channel_words: tuple[str, ...] = ()  # a credit's part ending in one is a channel (`文化频道`, `澎湃号`)
    not_names: frozenset[str] = frozenset()  # badges and widgets beside a byline or date (`原创`, `举报`)
    repeated_lines: frozenset[str] = frozenset()
    any_remove: re.Pattern[str] | None = None  # all `remove` patterns in one, for fast yes/no checks
    verdicts: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)  # removes() memo

    def removes(self, stripped: str) -> bool:
        """Whether a `[[remove]]` rule matches this stripped line (memoized: layouts ask repeatedly)."""
        verdict = self.verdicts.get(stripped)
        if verdict is None:
            if self.any_remove is not None:
                verdict = self.any_remove.search(stripped) is not None
            else:
                verdict = any(rule.pattern.search(stripped) for rule in self.remove)
            self.verdicts[stripped] = verdict
        return verdict

    @property
    def site(self) -> str:
        """The site family the dump belongs to: its most specific profile (`*` when none applies)."""
        specific = [p for p in self.profiles if p != "common"]
        return specific[0] if specific else "*"


@dataclass(slots=True)
class ProfileSet:
    """All known profiles and outlet names, from the built-in folder and any user folders.

    Not frozen: it builds its literal filters once, and memoizes the patterns it combines for the
    dumps it is asked about. The profiles and outlet rows are not changed once read.
    """

    profiles: tuple[SiteProfile, ...]
    outlet_rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    detect: PatternFilter = field(init=False, compare=False, repr=False)
    removal: PatternFilter = field(init=False, compare=False, repr=False)
    combined_detect: dict[tuple[int, ...], re.Pattern[str] | None] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    combined_remove: dict[tuple[int, ...], re.Pattern[str] | None] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self.detect = PatternFilter([d for p in self.profiles for d in p.detect])
        self.removal = PatternFilter([r.pattern for p in self.profiles for r in p.remove])

    def rulebook_for(self, lines: Sequence[str], only_possible: bool = False) -> Rulebook:
        """Merge the rules of every profile that applies to a dump with these lines.

        With `only_possible`, the `[[remove]]` rules are those that can match one of these lines
        (their required literals occur in them): the same verdicts on these lines, at a fraction
        of the cost of trying every rule on every line. Leave it off for a rulebook meant for
        other text (tests).
        """
        text = "\n".join(lines)
        stripped = [line.strip() for line in lines]
        detect = self._detect_in(text)
        if detect is not None:  # only lines that some profile's detect pattern matches
            stripped = [line for line in stripped if detect.search(line)]
        active = [p for p in self.profiles if p.always or (stripped and p.matches(stripped))]
        numbered = [(n, r) for n, r in enumerate(r for p in self.profiles for r in p.remove)]
        active_names = {p.name for p in active}
        chosen = [(n, r) for n, r in numbered if r.profile in active_names]
        if only_possible:
            possible = set(self.removal.possible(text))
            chosen = [(n, r) for n, r in chosen if n in possible]
        remove = tuple(r for _, r in chosen)
        key = tuple(n for n, _ in chosen)
        if key not in self.combined_remove:
            self.combined_remove[key] = any_of([r.pattern for r in remove])
        return Rulebook(
            profiles=tuple(p.name for p in active),
            remove=remove,
            any_remove=self.combined_remove[key],
            footer_markers=frozenset(m for p in active for m in p.footer_markers),
            listing_chrome=frozenset(c for p in active for c in p.listing_chrome),
            listing_buttons=frozenset(b for p in active for b in p.listing_buttons),
            content_end=tuple(e for p in active for e in p.content_end),
            datelines=tuple(d for p in active for d in p.datelines),
            account_before=tuple(a for p in active for a in p.account_before),
            site_credits=tuple(c for p in active for c in p.site_credits),
            site_source=next((p.site_source for p in active if p.site_source), None),
            masthead=any(p.masthead for p in active),
            places=frozenset(name for p in active for name in p.places),
            uncredited=frozenset(word for p in active for word in p.uncredited),
            channel_words=tuple(dict.fromkeys(word for p in active for word in p.channel_words)),
            not_names=frozenset(word for p in active for word in p.not_names),
        )

    def _detect_in(self, text: str) -> re.Pattern[str] | None:
        """One pattern for the detect patterns that may match a line of `text` (their required
        literals occur in it; the others cannot match any of its lines), or None when they cannot
        be combined."""
        possible = self.detect.possible(text)
        if possible not in self.combined_detect:
            patterns = [self.detect.patterns[i] for i in possible]
            self.combined_detect[possible] = any_of(patterns) if possible else _NEVER
        return self.combined_detect[possible]

    def outlet_aliases(self) -> dict[str, str]:
        """Alias → Chinese outlet name, from the TSV files and the profiles' `[outlets]` tables."""
        aliases: dict[str, str] = {}
        for name, extra in self.outlet_rows:
            aliases[name] = name
            for alias in extra:
                aliases[alias] = name
        for profile in self.profiles:
            aliases.update(dict(profile.outlet_aliases))
        return aliases


def parse_profile(text: str, origin: str) -> SiteProfile:
    """Build a profile from TOML text; `origin` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: not valid TOML ({exc})") from exc
    name = data.get("name") or Path(origin).stem

    def compile_(pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{origin}: bad pattern {pattern!r} ({exc})") from exc

    known = {
        "name", "description", "always", "detect", "remove", "footer", "listing", "outlets", "content", "fields", "credits"
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{origin}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    fields = data.get("fields", {})
    for pattern in fields.get("site_credit", []):
        if "(?P<site>" not in pattern:
            raise ValueError(f"{origin}: [fields] site_credit pattern {pattern!r} lacks a (?P<site>...) group")
    credits = data.get("credits", {})
    for pattern in fields.get("dateline", []):
        if "(?P<published>" not in pattern and not all(f"(?P<{g}>" in pattern for g in "ymd"):
            raise ValueError(
                f"{origin}: [fields] dateline pattern {pattern!r} lacks a (?P<published>...) group"
                " (or the (?P<y>...) (?P<m>...) (?P<d>...) groups of a date format of its own)"
            )
    return SiteProfile(
        name=name,
        always=bool(data.get("always", False)),
        detect=tuple(compile_(p) for p in data.get("detect", {}).get("lines", [])),
        remove=tuple(LineRule(r["rule"], compile_(r["pattern"]), name) for r in data.get("remove", [])),
        footer_markers=tuple(data.get("footer", {}).get("markers", [])),
        listing_chrome=tuple(data.get("listing", {}).get("chrome", [])),
        listing_buttons=tuple(data.get("listing", {}).get("buttons", [])),
        outlet_aliases=tuple((str(k), str(v)) for k, v in data.get("outlets", {}).items()),
        content_end=tuple(compile_(p) for p in data.get("content", {}).get("end", [])),
        datelines=tuple(compile_(p) for p in fields.get("dateline", [])),
        account_before=tuple(compile_(p) for p in fields.get("account_before", [])),
        site_credits=tuple(compile_(p) for p in fields.get("site_credit", [])),
        site_source=fields.get("source"),
        masthead=bool(fields.get("masthead", False)),
        places=tuple(str(name) for name in fields.get("places", [])),
        uncredited=tuple(str(word) for word in credits.get("uncredited", [])),
        channel_words=tuple(str(word) for word in credits.get("channels", [])),
        not_names=tuple(str(word) for word in credits.get("not_names", [])),
    )


def parse_outlets_tsv(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Rows of `name<TAB>alias|alias`; `#` comments and the header line are skipped."""
    rows = []
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("#") or raw.startswith("name\t"):
            continue
        name, _, aliases = raw.partition("\t")
        rows.append((name.strip(), tuple(a.strip() for a in aliases.split("|") if a.strip())))
    return rows
