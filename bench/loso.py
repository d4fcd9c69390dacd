"""Leave-one-site-out figures of the header reader, beside the fitted ones and the rules'.

    python -m bench.loso            # realpages dev + dev2 held out site by site
    python -m bench.loso --sets tests/fixtures/realpages/dev2 ...

For each site of the scored sets, the reader is trained on every annotated page except that site's
(`flows/header_training.py`, all the repository's sets) and chooses that site's titles, dates and
outlets. Printed per set and pooled: the shared scorer's F1 and title, outlet and date accuracy, counted as
it counts them (documents are paired by title, so a page whose title is wrong loses its text's snippets,
its outlet and its date; the text is the pipeline's, which the reader does not choose), the
rules' own reading of the same pages, the fitted model's (trained on everything), and how often the
right value is among the candidates at all (the ceiling).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from zhnews.flows.header_training import (
    DEFAULT_SETS,
    FIXTURES,
    REGULARIZATION,
    AnnotatedPage,
    annotated_pages,
    choose,
    rules_pipeline,
    train,
)
from zhnews.transforms.header.model import FIELDS
from zhnews.transforms.normalize.text import canonical

SCORED = (FIXTURES / "realpages" / "dev", FIXTURES / "realpages" / "dev2")


def _rule_choice(page: AnnotatedPage, name: str):
    return next((c for _, c in page.reading.ranked[name] if c.by_rules or c.features.get("how:rule")), None)


def tally(pages: list[AnnotatedPage], pick) -> Counter:
    """Right answers per field, and the text's snippets found, missed and leaked, scorer-style: a page's
    snippets, outlet and date count only when its title is right."""
    counts: Counter = Counter()
    for page in pages:
        title = pick(page, "title")
        title_ok = not page.annotated("title") or (title is not None and page.label("title", title))
        body = canonical(page.document.body)
        for snippet in page.gold.get("must_include", []):
            counts["tp" if title_ok and canonical(snippet) in body else "fn"] += 1
        counts["fp"] += sum(canonical(snippet) in body for snippet in page.must_exclude)
        for name in FIELDS:
            if not page.annotated(name):
                continue
            chosen = pick(page, name)
            counts[f"{name}_n"] += 1
            counts[name] += bool(title_ok and chosen is not None and page.label(name, chosen))
            counts[f"{name}_reachable"] += any(page.label(name, c) for _, c in page.reading.ranked[name])
    return counts


def f1(counts: Counter) -> float:
    """The scorer's F1 of the text's snippets (`score_gold.py`)."""
    found = counts["tp"]
    precision = found / (found + counts["fp"]) if found + counts["fp"] else 1.0
    recall = found / (found + counts["fn"]) if found + counts["fn"] else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def line(label: str, counts: Counter) -> str:
    parts = [f"F1 {f1(counts):.3f}" if counts["tp"] + counts["fn"] else "F1 -"] + [
        f"{name} {counts[name] / counts[name + '_n']:.3f}" if counts[name + "_n"] else f"{name} -" for name in FIELDS
    ]
    return f"{label:<34} " + "  ".join(parts) + f"   ({counts['title_n']} pages)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="*", type=Path, default=list(SCORED), help="sets scored site by site")
    parser.add_argument("--regularization", type=float, default=REGULARIZATION, help="scikit-learn's C (see training)")
    args = parser.parse_args()
    started = time.perf_counter()
    pipeline = rules_pipeline()
    every = {folder: annotated_pages(folder, pipeline) for folder in dict.fromkeys([*DEFAULT_SETS, *args.sets])}
    pages = [page for found in every.values() for page in found]
    fitted = train(pages, args.regularization)
    pooled_loso, pooled_fit, pooled_rules = Counter(), Counter(), Counter()
    for folder in args.sets:
        scored = every[folder]
        loso: Counter = Counter()
        for site in sorted({page.site for page in scored}):
            held_out = [page for page in scored if page.site == site]
            scorers = train([page for page in pages if page.site != site], args.regularization)
            loso += tally(held_out, lambda page, name, s=scorers: choose(s, page, name))
        fit = tally(scored, lambda page, name: choose(fitted, page, name))
        rules = tally(scored, _rule_choice)
        sites = len({page.site for page in scored})
        print(f"{folder.name}: {len(scored)} pages of {sites} sites")
        print(line("  leave-one-site-out", loso))
        print(line("  fitted (trained on every set)", fit))
        print(line("  rules alone", rules))
        reach = Counter({name: loso[f"{name}_reachable"] for name in FIELDS})
        reach.update({f"{name}_n": loso[f"{name}_n"] for name in FIELDS})
        print(line("  right value among candidates", reach))
        pooled_loso += loso
        pooled_fit += fit
        pooled_rules += rules
    print("pooled")
    print(line("  leave-one-site-out", pooled_loso))
    print(line("  fitted", pooled_fit))
    print(line("  rules alone", pooled_rules))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
