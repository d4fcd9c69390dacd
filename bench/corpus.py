"""A deterministic corpus of N MB of synthetic dumps in the seed layouts, written to a folder.

Files go into sub-folders of 1,000 (as an archive of daily dumps would), a few percent are
GB18030-encoded, and some listings and articles are long, so decoding, splitting and cleaning
see a realistic mix. The same (size, seed) always gives the same bytes; a finished corpus is
marked with a manifest and reused.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.synth import Writer

FILES_PER_FOLDER = 1000
GB18030_EVERY = 37  # one file in 37 is written in GB18030 instead of UTF-8
MANIFEST = "corpus.json"


@dataclass(frozen=True, slots=True)
class Corpus:
    """A generated corpus: where it is, how many bytes and files."""

    root: Path
    size_bytes: int
    files: int

    @property
    def mb(self) -> float:
        return self.size_bytes / 1e6


SEED_DUMPS = Path(__file__).resolve().parent.parent / "samples"


def seed_sentences(folder: Path = SEED_DUMPS) -> list[str]:
    """The distinct Chinese sentences (ending in 。！？, at least 8 characters) of the seed dumps in
    `samples/`: about 150, the pool of the look-alike corpus (`generate(..., pool="seeds")`)."""
    found: dict[str, None] = {}
    for path in sorted(folder.glob("*.txt")):
        for sentence in re.findall(r"[^。！？\n]{8,}[。！？]", path.read_text(encoding="utf-8")):
            if re.search(r"[\u4e00-\u9fff]", sentence):
                found.setdefault(sentence.strip(), None)
    return list(found)


def generate(root: Path, megabytes: float, seed: int = 7, pool: str | None = None, then: int = 0) -> Corpus:
    """Write (or reuse) a corpus of about `megabytes` MB under `root`. `pool="seeds"`: every sentence
    of the articles is one of the seed dumps' sentences (`seed_sentences`), a look-alike corpus where
    documents share many shingles (agency copy reposted everywhere, at its extreme). `then`: the
    next `then` dumps of the same stream (reposts and snippets of the corpus' recent articles among
    them) go to `next_files(root)`, what a scheduled run would bring next."""
    manifest = root / MANIFEST
    wanted = {"megabytes": megabytes, "seed": seed, "version": 4, **({"pool": pool} if pool else {})}
    wanted.update({"then": then} if then else {})
    if manifest.exists():
        meta = json.loads(manifest.read_text())
        if {k: meta.get(k) for k in wanted} == wanted:
            return Corpus(root, meta["size_bytes"], meta["files"])
    if root.exists():
        shutil.rmtree(root)
    writer = Writer(seed, sentences=seed_sentences() if pool == "seeds" else None)
    target = int(megabytes * 1e6)
    total = files = 0
    while total < target:
        dump = writer.any_dump(files)
        folder = root / f"day-{files // FILES_PER_FOLDER:04d}"
        if files % FILES_PER_FOLDER == 0:
            folder.mkdir(parents=True)
        encoding = "gb18030" if files % GB18030_EVERY == GB18030_EVERY - 1 else "utf-8"
        data = dump.text.encode(encoding)
        (folder / dump.name).write_bytes(data)
        total += len(data)
        files += 1
    if then:
        shutil.rmtree(next_files(root), ignore_errors=True)
        next_files(root).mkdir(parents=True)
        for index in range(files, files + then):
            dump = writer.any_dump(index)
            (next_files(root) / dump.name).write_bytes(dump.text.encode("utf-8"))
    manifest.write_text(json.dumps({**wanted, "size_bytes": total, "files": files}))
    return Corpus(root, total, files)


def next_files(root: Path) -> Path:
    """Where `generate(root, ..., then=N)` writes the N dumps that follow the corpus."""
    return root.with_name(root.name + "-next")


def sample_text(corpus: Corpus, max_bytes: int) -> str:
    """Up to `max_bytes` of the corpus' text, taken from files spread evenly over it."""
    paths = sorted(corpus.root.rglob("*.txt"))
    step = max(1, round(corpus.size_bytes / max_bytes)) if max_bytes < corpus.size_bytes else 1
    parts, size = [], 0
    for path in paths[::step]:
        data = path.read_bytes()
        try:
            parts.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append(data.decode("gb18030"))
        size += len(data)
        if size >= max_bytes:
            break
    return "\n".join(parts)
