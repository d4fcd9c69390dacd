"""Outlet names: interface spellings (pinyin, English) to the outlet's Chinese name."""

from __future__ import annotations

import re
from collections.abc import Mapping

from zhnews.transforms.normalize.text import canonical

_HAN = re.compile(r"[\u4e00-\u9fff]")


def pinyin_key(name: str) -> str:
    """The canonical pinyin spelling of a Chinese name: 新浪财经 → `xinlangcaijing`."""
    # imported here: pypinyin's tables take ~55 MiB, which a process that imports the pipeline without
    # building an outlet table (the ingest's driver) need not hold
    from pypinyin import lazy_pinyin

    return canonical("".join(lazy_pinyin(name)))


class OutletResolver:
    """Resolves raw outlet strings against an alias table (alias → Chinese name).

    Every Chinese name in the table is also reachable by its pinyin spelling, with any spacing or
    capitalisation ("Xin Lang Cai Jing", "XinLang CaiJing").
    """

    def __init__(self, aliases: Mapping[str, str]):
        self._by_key: dict[str, str] = {}
        for name in sorted(set(aliases.values())):
            if _HAN.search(name):
                self._by_key.setdefault(pinyin_key(name), name)
        for alias, name in aliases.items():
            self._by_key[canonical(alias)] = name

    def is_listed(self, raw: str) -> bool:
        """Whether `raw` is an outlet of the alias table (by name, alias or pinyin)."""
        return canonical(raw) in self._by_key

    def resolve(self, raw: str | None) -> tuple[str | None, bool]:
        """(name, known): the outlet's Chinese name, or the raw string itself when not in the table.

        A raw string that is already Chinese is kept as it is even when unknown.
        """
        if raw is None or not raw.strip():
            return None, True
        raw = raw.strip()
        name = self._by_key.get(canonical(raw))
        if name:
            return name, True
        return raw, bool(_HAN.search(raw))
