"""Reading the pipeline's configuration files: site profiles, outlet tables, dictionaries."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

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
