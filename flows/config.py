"""Reading the pipeline's configuration files: site profiles and outlet tables."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from transforms.profiles import BUILTIN_DIR, ProfileSet, SiteProfile, parse_outlets_tsv, parse_profile


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
