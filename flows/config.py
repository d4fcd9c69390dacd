"""Reading the pipeline's configuration files: site profiles, outlet tables, dictionaries."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from zhnews.transforms.profiles import BUILTIN_DIR, ProfileSet, SiteProfile, parse_outlets_tsv, parse_profile
from zhnews.transforms.segment import (
    DEFAULT_ENGINE,
    DictEntry,
    Segmenter,
    parse_idf,
    parse_synonyms,
    parse_user_dict,
    parse_word_list,
)


def load_profiles(extra_dirs: Iterable[str | Path] = ()) -> ProfileSet:
    """Read the built-in profiles, then each extra folder's (a later file of the same name wins)."""
    return _load(tuple(str(d) for d in extra_dirs))


@lru_cache(maxsize=8)
def _load(extra_dirs: tuple[str, ...]) -> ProfileSet:
    by_name: dict[str, SiteProfile] = {}
    outlets: list[tuple[str, tuple[str, ...]]] = []
    for folder in (BUILTIN_DIR, *map(Path, extra_dirs)):
        if not folder.is_dir():
            raise FileNotFoundError(f"profiles folder not found: {folder}")
        for path in sorted(folder.glob("*.toml")):
            profile = parse_profile(path.read_text(encoding="utf-8"), str(path))
            by_name[profile.name] = profile
        for path in sorted(folder.glob("outlets*.tsv")):
            outlets.extend(parse_outlets_tsv(path.read_text(encoding="utf-8")))
    return ProfileSet(profiles=tuple(by_name.values()), outlet_rows=tuple(outlets))


def load_segmenter(extra_dirs: Iterable[str | Path] = (), engine: str = DEFAULT_ENGINE) -> Segmenter:
    """A Segmenter with the user dictionaries (`userdict*.txt`) and stopword lists (`stopwords*.txt`)
    of the built-in profiles folder and each extra folder, and jieba's IDF table for keywords."""
    return _segmenter(tuple(str(d) for d in extra_dirs), engine)


@lru_cache(maxsize=4)
def _segmenter(extra_dirs: tuple[str, ...], engine: str) -> Segmenter:
    entries: list[DictEntry] = []
    stopwords: list[str] = []
    for folder in (BUILTIN_DIR, *map(Path, extra_dirs)):
        if not folder.is_dir():
            raise FileNotFoundError(f"profiles folder not found: {folder}")
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
    for folder in (BUILTIN_DIR, *map(Path, extra_dirs)):
        if not folder.is_dir():
            raise FileNotFoundError(f"profiles folder not found: {folder}")
        for path in sorted(folder.glob("synonyms*.tsv")):
            for group in parse_synonyms(path.read_text(encoding="utf-8")):
                merged = tuple(dict.fromkeys(w for word in group for w in concepts.get(word, (word,))))
                for word in merged:
                    concepts[word] = merged
    return concepts
