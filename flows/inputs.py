"""Finding input files and identifying them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DUMP_SUFFIXES = (".txt", ".text")  # inside folders; a file named directly is taken whatever its suffix


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file: its absolute path, stable id and size."""

    path: str
    file_id: str
    size: int


def file_id_for(path: Path) -> str:
    """Stable id of an input file: a hash of its absolute path."""
    return hashlib.blake2b(str(path).encode("utf-8"), digest_size=8).hexdigest()


def content_hash(data: bytes) -> str:
    """Hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
            yield _input(root)
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if path.suffix.lower() in suffixes and not path.is_dir():
                yield _input(path)


def _input(path: Path) -> InputFile:
    try:
        size = path.stat().st_size
    except OSError:  # a broken link: extraction quarantines it with the reason
        size = 0
    return InputFile(str(path), file_id_for(path), size)
