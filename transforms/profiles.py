"""Site profiles: the site-specific knowledge of zhnews, kept as data.

A profile is a TOML file (see `transforms/profiles/*.toml`): which lines tell that a dump comes from
the site family (`[detect]`), which lines are boilerplate (`[[remove]]`), which lines start the
trailing footer (`[footer] markers`, exact lines, and `[content] end`, patterns), where the page
names its fields (`[fields]`: dateline patterns with named groups, the line an account card puts
after the account name, the site's own outlet, a masthead, place names a page shows as the
poster's location), how outlet credits read (`[credits]`: values naming no outlet, channel words,
badges and widgets that are no names), the listing interface's chrome and search buttons
(`[listing]`), the words the header reader's features use (`[header]`: labels before a headline or a
publication time, how outlet names end) and outlet aliases (`[outlets]`). Outlet names also come from `outlets*.tsv`. Users
add sites by dropping files into a folder passed with `--profiles`; this module is the only parser.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    title_labels: tuple[str, ...] = ()
    date_labels: tuple[str, ...] = ()
    other_date_labels: tuple[str, ...] = ()
    outlet_suffixes: tuple[str, ...] = ()
    button_verbs: tuple[str, ...] = ()
    source_labels: tuple[str, ...] = ()


VERDICT_MEMO_LINES = 100_000  # lines a rulebook remembers its `removes` verdict for


@dataclass(slots=True, eq=False)
class Rulebook:
    """The rules in force for one dump: the union of the profiles that apply to it.

    Not frozen: `removes` memoizes its verdicts in `verdicts` (a rulebook is compared and hashed by
    identity). Its rules are not changed once built (the dumps that share profiles and rules share
    one); `dataclasses.replace` makes a variant, with the same memo.
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
    title_labels: frozenset[str] = frozenset()  # a label a page prints before its headline (`主题`)
    date_labels: tuple[str, ...] = ()  # words that announce a publication time (`发表于`, `posted`)
    other_date_labels: tuple[str, ...] = ()  # ... and another time (`成文日期`, `最后更新`): a header-reader feature
    outlet_suffixes: tuple[str, ...] = ()  # how outlet names end (`日报`, `新闻网`): a header-reader feature
    button_verbs: tuple[str, ...] = ()  # how a button's label starts (`点击`, `收藏`): a link, not a name
    source_labels: tuple[str, ...] = ()  # how a label naming the source ends (`来源`, `转自`): a feature
    repeated_lines: frozenset[str] = frozenset()
    verdicts: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)  # removes() memo

    def removes(self, stripped: str) -> bool:
        """Whether a `[[remove]]` rule matches this stripped line (memoized: layouts ask repeatedly,
        and dumps of one site share lines)."""
        verdict = self.verdicts.get(stripped)
        if verdict is None:
            if len(self.verdicts) >= VERDICT_MEMO_LINES:  # a cache: bounded, and results never depend on it
                self.verdicts.clear()
            # each rule's own pattern: one alternation of them all would lose each one's literal-prefix search
            # and cost a compilation for each set of rules in force (a few per site: 0.3 s on 1,500 dumps)
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

    Not frozen: it builds its literal filters once, and memoizes the rulebooks it builds for the dumps it is
    asked about. The profiles and outlet rows are not changed once read.
    """

    profiles: tuple[SiteProfile, ...]
    outlet_rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    header_model: Any = None  # the header reader's HeaderModel (`header_model.json`), None: the rules read headers
    detect: PatternFilter = field(init=False, compare=False, repr=False)
    removal: PatternFilter = field(init=False, compare=False, repr=False)
    rule_owner: tuple[str, ...] = field(init=False, compare=False, repr=False)  # remove rule -> its profile's name
    detect_owner: tuple[int, ...] = field(init=False, compare=False, repr=False)  # detect pattern -> its profile
    rulebooks: dict[tuple[tuple[int, ...], tuple[int, ...]], Rulebook] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )  # (active profiles, their remove rules in force) -> the rulebook

    def __post_init__(self) -> None:
        self.detect = PatternFilter([d for p in self.profiles for d in p.detect])
        self.removal = PatternFilter([r.pattern for p in self.profiles for r in p.remove])
        self.rule_owner = tuple(r.profile for p in self.profiles for r in p.remove)
        self.detect_owner = tuple(i for i, p in enumerate(self.profiles) for _ in p.detect)

    def rulebook_for(self, lines: Sequence[str], only_possible: bool = False) -> Rulebook:
        """Merge the rules of every profile that applies to a dump with these lines (a profile
        applies when it is `always` on or one of its detect patterns matches a stripped line).

        With `only_possible`, the `[[remove]]` rules are those that can match one of these lines
        (their required literals occur in them): the same verdicts on these lines, at a fraction
        of the cost of trying every rule on every line. Leave it off for a rulebook meant for
        other text (tests).

        Dumps with the same profiles and rules get the same rulebook (built once): few sites and
        literal sets recur across a corpus, and its `removes` memo then serves them all.
        """
        text = "\n".join(lines)
        possible = self.detect.possible(text)  # the detect patterns that may match one of its lines
        matched: set[int] = set()  # profiles a detect pattern of which matches a (stripped) line
        if possible:
            stripped = [line.strip() for line in lines]
            for i in possible:  # the other patterns cannot match: their profiles need not be asked
                owner = self.detect_owner[i]
                if owner not in matched and any(map(self.detect.patterns[i].search, stripped)):
                    matched.add(owner)
        active = tuple(i for i, p in enumerate(self.profiles) if p.always or i in matched)
        rules = self.removal.possible(text) if only_possible else range(len(self.removal.patterns))
        names = {self.profiles[i].name for i in active}
        chosen = tuple(n for n in rules if self.rule_owner[n] in names)
        rulebook = self.rulebooks.get((active, chosen))
        if rulebook is None:
            rulebook = self.rulebooks[(active, chosen)] = self._rulebook(active, chosen)
        return rulebook

    def _rulebook(self, profiles: tuple[int, ...], rules: tuple[int, ...]) -> Rulebook:
        """The rulebook of these profiles with these `[[remove]]` rules (indexes into `profiles`,
        and into all profiles' rules in order)."""
        active = [self.profiles[i] for i in profiles]
        every_rule = [r for p in self.profiles for r in p.remove]
        remove = tuple(every_rule[n] for n in rules)
        return Rulebook(
            profiles=tuple(p.name for p in active),
            remove=remove,
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
            title_labels=frozenset(word for p in active for word in p.title_labels),
            date_labels=tuple(dict.fromkeys(word for p in active for word in p.date_labels)),
            other_date_labels=tuple(dict.fromkeys(word for p in active for word in p.other_date_labels)),
            outlet_suffixes=tuple(dict.fromkeys(word for p in active for word in p.outlet_suffixes)),
            button_verbs=tuple(dict.fromkeys(word for p in active for word in p.button_verbs)),
            source_labels=tuple(dict.fromkeys(word for p in active for word in p.source_labels)),
        )

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


class ProfileError(ValueError):
    """Faulty profiles: `faults` holds one line per fault, each naming the file and the key."""

    def __init__(self, faults: Sequence[str]):
        super().__init__("\n".join(faults))
        self.faults = tuple(faults)

    def __reduce__(self) -> tuple[type[ProfileError], tuple[tuple[str, ...]]]:
        return ProfileError, (self.faults,)  # intact when it crosses from a worker process


@dataclass(frozen=True, slots=True)
class _Value:
    """A TOML value a profile key takes: its Python types, said in words, and a further check."""

    what: str
    many: str  # a list of them, in words
    types: tuple[type, ...]
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True, slots=True)
class _ListOf:
    """A TOML array of `item`s: `lines = ['...', '...']`."""

    item: _Value


@dataclass(frozen=True, slots=True)
class _Table:
    """A TOML table: its known keys (`any_key`: any key, of that kind), the keys it must have."""

    keys: dict[str, _Spec]
    required: tuple[str, ...] = ()
    any_key: _Value | None = None


@dataclass(frozen=True, slots=True)
class _Tables:
    """A TOML array of tables, one `[[name]]` header per table."""

    table: _Table


_Spec = _Value | _ListOf | _Table | _Tables


def _pattern_fault(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"bad pattern {pattern!r} ({exc})"
    return None


def _dateline_fault(pattern: str) -> str | None:
    if fault := _pattern_fault(pattern):
        return fault
    if "(?P<published>" not in pattern and not all(f"(?P<{g}>" in pattern for g in "ymd"):
        return (
            f"pattern {pattern!r} lacks a (?P<published>...) group"
            " (or the (?P<y>...) (?P<m>...) (?P<d>...) groups of a date format of its own)"
        )
    return None


def _site_credit_fault(pattern: str) -> str | None:
    if fault := _pattern_fault(pattern):
        return fault
    return None if "(?P<site>" in pattern else f"pattern {pattern!r} lacks a (?P<site>...) group"


_STRING = _Value("a string", "strings", (str,))
_BOOL = _Value("true or false", "true/false values", (bool,))
_PATTERN = _Value("a pattern (a string)", "patterns (strings)", (str,), _pattern_fault)
_DATELINE = _Value("a pattern (a string)", "patterns (strings)", (str,), _dateline_fault)
_SITE_CREDIT = _Value("a pattern (a string)", "patterns (strings)", (str,), _site_credit_fault)

# Every key a profile may have, at every level, and what it takes: the README's example profile
# shows each. Anything else is refused, so a misspelt key never silently does nothing.
PROFILE_SCHEMA = _Table(
    {
        "name": _STRING,
        "description": _STRING,
        "always": _BOOL,
        "detect": _Table({"lines": _ListOf(_PATTERN)}),
        "remove": _Tables(_Table({"rule": _STRING, "pattern": _PATTERN}, required=("rule", "pattern"))),
        "footer": _Table({"markers": _ListOf(_STRING)}),
        "content": _Table({"end": _ListOf(_PATTERN)}),
        "fields": _Table(
            {
                "dateline": _ListOf(_DATELINE),
                "account_before": _ListOf(_PATTERN),
                "source": _STRING,
                "masthead": _BOOL,
                "places": _ListOf(_STRING),
                "site_credit": _ListOf(_SITE_CREDIT),
            }
        ),
        "credits": _Table(
            {"uncredited": _ListOf(_STRING), "channels": _ListOf(_STRING), "not_names": _ListOf(_STRING)}
        ),
        "listing": _Table({"chrome": _ListOf(_STRING), "buttons": _ListOf(_STRING)}),
        "header": _Table(
            {
                "title_labels": _ListOf(_STRING),
                "date_labels": _ListOf(_STRING),
                "other_date_labels": _ListOf(_STRING),
                "outlet_suffixes": _ListOf(_STRING),
                "button_verbs": _ListOf(_STRING),
                "source_labels": _ListOf(_STRING),
            }
        ),
        "outlets": _Table({}, any_key=_STRING),
    }
)


def profile_faults(data: dict[str, Any]) -> list[str]:
    """What is wrong with a parsed profile, one line per fault naming the key (empty when nothing is)."""
    faults: list[str] = []
    _check_table(data, PROFILE_SCHEMA, None, faults)
    return faults


def _kind(value: object) -> str:
    """A TOML value's kind, in words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _check_table(data: object, table: _Table, where: str | None, faults: list[str]) -> None:
    """Check a table's keys against `table`; `where` is its header (`[fields]`), None at the top level."""
    if not isinstance(data, dict):
        faults.append(f"{where}: must be a table, not {_kind(data)}")
        return
    for key in table.required:
        if key not in data:
            faults.append(f"{where}: missing key {key}")
    for key, value in data.items():
        spec = table.keys.get(key, table.any_key)
        shown = f"{where} {key}" if where else f"[{key}]" if isinstance(value, dict) else key
        if spec is None:
            known = ", ".join(sorted(table.keys)) or "none"
            faults.append(f"{shown}: unknown key (known here: {known})")
        elif isinstance(spec, _Table):
            _check_table(value, spec, f"[{key}]", faults)
        elif isinstance(spec, _Tables):
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                faults.append(f"[{key}]: must be an array of tables: write [[{key}]] (double brackets) above each one")
                continue
            for n, item in enumerate(value, start=1):
                _check_table(item, spec.table, f"[[{key}]] #{n}", faults)
        elif isinstance(spec, _ListOf):
            if not isinstance(value, list):
                hint = f"; write {key} = [{value!r}]" if isinstance(value, spec.item.types) else ""
                faults.append(f"{shown}: must be a list of {spec.item.many}, not {_kind(value)}{hint}")
                continue
            for n, item in enumerate(value, start=1):
                _check_value(item, spec.item, f"{shown} item {n}", faults)
        else:
            _check_value(value, spec, shown, faults)


def _check_value(value: object, spec: _Value, shown: str, faults: list[str]) -> None:
    if not isinstance(value, spec.types):
        faults.append(f"{shown}: must be {spec.what}, not {_kind(value)}")
    elif spec.check and (fault := spec.check(value)):
        faults.append(f"{shown}: {fault}")


def parse_profile(text: str, origin: str) -> SiteProfile:
    """Build a profile from TOML text, or raise ProfileError with every fault, each line starting
    with `origin` (the file) and naming the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError([f"{origin}: not valid TOML ({exc})"]) from exc
    faults = profile_faults(data)
    if faults:
        raise ProfileError([f"{origin}: {fault}" for fault in faults])
    name = data.get("name") or Path(origin).stem
    fields = data.get("fields", {})
    credits = data.get("credits", {})
    header = data.get("header", {})
    return SiteProfile(
        name=name,
        always=data.get("always", False),
        detect=tuple(map(re.compile, data.get("detect", {}).get("lines", []))),
        remove=tuple(LineRule(r["rule"], re.compile(r["pattern"]), name) for r in data.get("remove", [])),
        footer_markers=tuple(data.get("footer", {}).get("markers", [])),
        listing_chrome=tuple(data.get("listing", {}).get("chrome", [])),
        listing_buttons=tuple(data.get("listing", {}).get("buttons", [])),
        outlet_aliases=tuple(data.get("outlets", {}).items()),
        content_end=tuple(map(re.compile, data.get("content", {}).get("end", []))),
        datelines=tuple(map(re.compile, fields.get("dateline", []))),
        account_before=tuple(map(re.compile, fields.get("account_before", []))),
        site_credits=tuple(map(re.compile, fields.get("site_credit", []))),
        site_source=fields.get("source"),
        masthead=fields.get("masthead", False),
        places=tuple(fields.get("places", [])),
        uncredited=tuple(credits.get("uncredited", [])),
        channel_words=tuple(credits.get("channels", [])),
        not_names=tuple(credits.get("not_names", [])),
        title_labels=tuple(header.get("title_labels", [])),
        date_labels=tuple(header.get("date_labels", [])),
        other_date_labels=tuple(header.get("other_date_labels", [])),
        outlet_suffixes=tuple(header.get("outlet_suffixes", [])),
        button_verbs=tuple(header.get("button_verbs", [])),
        source_labels=tuple(header.get("source_labels", [])),
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
