"""Finding input files and identifying them."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from zhnews.transforms.normalize.dates import BEIJING

DUMP_SUFFIXES = (".txt", ".text")  # inside folders; a file named directly is taken whatever its suffix


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file: its absolute path, stable id, size and modification time (ns)."""

    path: str
    file_id: str
    size: int
    mtime_ns: int = 0


def file_id_for(path: str | Path) -> str:
    """Stable id of an input file: a hash of its absolute, normalized path."""
    return hashlib.blake2b(os.fspath(path).encode("utf-8"), digest_size=8).hexdigest()


def content_hash(data: bytes) -> str:
    """Hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def saved_at(item: InputFile) -> dt.datetime | None:
    """When the file was saved: its modification time in Beijing (from discovery's stat; stat again
    if it had none). It is the reference for dates without a year and relative ones (`3小时前`)."""
    try:
        mtime_ns = item.mtime_ns or Path(item.path).stat().st_mtime_ns
    except OSError:
        return None
    return dt.datetime.fromtimestamp(mtime_ns / 1e9, BEIJING)


def discover(paths: Iterable[str | Path], suffixes: tuple[str, ...] = DUMP_SUFFIXES) -> Iterator[InputFile]:
    """Input files under the given files and folders, in a stable (sorted) order.

    A file named directly is taken whatever its suffix; inside folders only `suffixes` count,
    and hidden files and folders are skipped. Whatever is not a folder is yielded, broken links
    and named pipes included, so that extraction records why it cannot be read instead of the
    file vanishing silently. Raises FileNotFoundError for a missing path.
    """
    for raw in paths:
        root = Path(raw).expanduser().resolve()
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {raw}")
        if not root.is_dir():
            yield _input(str(root))
            continue
        yield from _walk(str(root), suffixes)


def _walk(folder: str, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    """Files under `folder` in sorted path order, skipping hidden entries (os.scandir: one stat a file)."""
    with os.scandir(folder) as it:
        entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir():
            if not entry.is_symlink():  # as Path.rglob: no loops through linked folders
                yield from _walk(entry.path, suffixes)
        elif os.path.splitext(entry.name)[1].lower() in suffixes:
            yield _input(entry.path, entry)


def _input(path: str, entry: os.DirEntry | None = None) -> InputFile:
    try:
        info = entry.stat() if entry is not None else os.stat(path)
        size, mtime_ns = info.st_size, info.st_mtime_ns
    except OSError:  # a broken link: extraction quarantines it with the reason
        size, mtime_ns = 0, 0
    return InputFile(path, file_id_for(path), size, mtime_ns)  # `path` is normalized: a resolved root + names
