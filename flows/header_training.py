"""Training the header reader from annotated pages (`zhnews train-header`), and scoring it page by page.

An annotated set is a folder with a `gold.json` in the scorer's format (`files[].documents[]` with
`title`, `source`, `published_at`; `saved_at` per file or for the set) and its dumps, beside it or in
`dumps/`. Each single-article page of a set is run through the pipeline as ingest runs it (one batch
per set, dated by `saved_at`), its header candidates are listed, and each candidate is labelled by
whether it is the annotated value. One logistic regression per field (scikit-learn, fixed solver and
seed: the same sets give the same weights) learns which candidate is right; the weights go to
`header_model.json` with what they were trained from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zhnews.flows.config import load_profiles
from zhnews.transforms.dump_pipeline import Dump, DumpPipeline, ProcessedDump
from zhnews.transforms.header.model import FIELDS, MODEL_FILE, FieldScorer, HeaderModel
from zhnews.transforms.header.reader import HeaderReading, first_credited_outlet
from zhnews.transforms.normalize.text import canonical
from zhnews.transforms.profiles import BUILTIN_DIR

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# The annotated sets of this repository (present in a checkout, not in an installed wheel).
DEFAULT_SETS = (
    FIXTURES / "seeds",
    FIXTURES / "realpages" / "dev",
    FIXTURES / "realpages" / "dev2",
    FIXTURES / "evalset",
    FIXTURES / "holdout2",
    FIXTURES / "holdout3",
    FIXTURES / "holdout4",
    FIXTURES / "holdout5",
    FIXTURES / "specimens",  # synthetic pages of layouts the real ones lack (its README)
)
FEATURE_CODE = (
    Path(__file__).resolve().parent.parent / "transforms" / "header" / "candidates.py",
    Path(__file__).resolve().parent.parent / "transforms" / "header" / "reader.py",  # the page the candidates read
    BUILTIN_DIR / "common.toml",
)
REGULARIZATION = 30.0  # scikit-learn's C: the inverse strength of the L2 penalty
BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(slots=True)
class AnnotatedPage:
    """One single-article page of an annotated set, with its header candidates and the annotation."""

    set_name: str
    site: str
    file: str
    gold: dict
    reading: HeaderReading
    document: object  # the Document the pipeline made of it
    must_exclude: list[str] = field(default_factory=list)

    def label(self, name: str, candidate) -> bool:
        """Whether a candidate is the annotated value of its field."""
        if name == "title":
            return bool(self.gold.get("title")) and canonical(candidate.text) == canonical(self.gold["title"])
        if name == "date":
            return candidate.value is not None and candidate.value == gold_instant(self.gold.get("published_at"))
        return candidate.text.strip() == (self.gold.get("source") or "")

    def annotated(self, name: str) -> bool:
        key = {"title": "title", "date": "published_at", "outlet": "source"}[name]
        return bool(self.gold.get(key))


def gold_instant(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    when = dt.datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=BEIJING)


def set_files(folder: Path) -> tuple[dict, Path]:
    """A set's gold and the folder its dumps are in."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    dumps = folder / "dumps" if (folder / "dumps").is_dir() else folder
    return gold, dumps


def annotated_pages(folder: Path, pipeline: DumpPipeline) -> list[AnnotatedPage]:
    """The set's single-article pages whose header the reader reads, processed as one ingest batch."""
    gold, dumps = set_files(folder)
    files = gold["files"]
    batch = []
    for entry in files:
        saved = entry.get("saved_at") or gold.get("saved_at")
        batch.append(Dump((dumps / entry["file"]).read_bytes(), gold_instant(saved)))
    pages = []
    for entry, result in zip(files, pipeline.run_batch(batch), strict=True):
        if not isinstance(result, ProcessedDump) or len(entry["documents"]) != 1 or len(result.documents) != 1:
            continue
        reading = result.extract.headers.get(1)
        if reading is None:
            continue
        site = entry.get("site") or Path(entry["file"]).stem
        pages.append(
            AnnotatedPage(
                folder.name, f"{folder.name}:{site}", entry["file"], entry["documents"][0], reading,
                result.documents[0], entry.get("must_exclude", []),
            )
        )  # fmt: skip
    return pages


def rules_pipeline(profile_dirs: Sequence[str] = ()) -> DumpPipeline:
    """A pipeline that keeps every page's header candidates, reading headers with the rules (no model)."""
    profiles = load_profiles(profile_dirs)
    pipeline = DumpPipeline(_without_model(profiles))
    pipeline.processor.keep_headers = True
    return pipeline


def _without_model(profiles):
    from dataclasses import replace

    return replace(profiles, header_model=None)


def train(pages: Iterable[AnnotatedPage], regularization: float = REGULARIZATION) -> dict[str, FieldScorer]:
    """One linear scorer per field, learned as a ranking: on each page, the annotated candidate must
    score above each other one (a logistic regression on the pairs' feature differences, each page
    weighing the same). Pages whose candidates miss the annotated value teach nothing and are left out."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    pages = list(pages)
    scorers = {}
    for name in FIELDS:
        groups = []
        for page in pages:
            candidates = [c for _, c in page.reading.ranked[name]]
            marks = [page.label(name, c) for c in candidates]
            if page.annotated(name) and any(marks) and not all(marks):
                groups.append((candidates, marks))
        vectorizer = DictVectorizer(sparse=False, sort=True)
        vectorizer.fit([c.features for candidates, _ in groups for c in candidates])
        rows, labels, weights = [], [], []
        for candidates, marks in groups:
            matrix = vectorizer.transform([c.features for c in candidates])
            good = [matrix[i] for i, mark in enumerate(marks) if mark]
            bad = [matrix[i] for i, mark in enumerate(marks) if not mark]
            share = 1.0 / (len(good) * len(bad))
            for g in good:
                for b in bad:
                    rows.extend((g - b, b - g))
                    labels.extend((1, 0))
                    weights.extend((share, share))
        model = LogisticRegression(C=regularization, max_iter=5000, solver="lbfgs", fit_intercept=False)
        model.fit(np.array(rows), labels, sample_weight=np.array(weights))
        coefficients = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True))
        scorers[name] = FieldScorer({k: float(v) for k, v in coefficients.items() if v}, 0.0)
    return scorers


def choose(scorers: dict[str, FieldScorer], page: AnnotatedPage, name: str):
    """The candidate the scorers pick on a page for one field, as the pipeline picks it (`HeaderReading.best`):
    an outlet only one the page vouches for that is not the headline; a date a site profile's date-line
    format reads stays the rules' reading."""
    candidates = [c for _, c in page.reading.ranked[name]]
    if name in page.reading.ruled:
        return next((c for c in candidates if c.by_rules), None)
    ranked = sorted(candidates, key=lambda c: -scorers[name].logit(c.features))
    if name == "outlet":
        return first_credited_outlet(ranked, choose(scorers, page, "title"))
    return ranked[0] if ranked else None


def fingerprint(sets: Sequence[Path]) -> dict[str, str]:
    """What a model is trained from: a hash of each set's gold and dumps, and of the feature code and data."""
    hashes = {}
    for folder in sets:
        digest = hashlib.sha256()
        gold, dumps = set_files(folder)
        digest.update((folder / "gold.json").read_bytes())
        for entry in gold["files"]:
            digest.update((dumps / entry["file"]).read_bytes())
        hashes[folder.name if folder.parent.name != "realpages" else f"realpages/{folder.name}"] = digest.hexdigest()[
            :16
        ]
    code = hashlib.sha256()
    for path in FEATURE_CODE:
        code.update(path.read_bytes())
    return {"sets": hashes, "feature_code": code.hexdigest()[:16]}


def train_model(sets: Sequence[Path], profile_dirs: Sequence[str] = ()) -> tuple[HeaderModel, list[AnnotatedPage]]:
    """The model trained on every single-article page of `sets`, and those pages."""
    import sklearn

    pipeline = rules_pipeline(profile_dirs)
    pages = [page for folder in sets for page in annotated_pages(folder, pipeline)]
    trained_from = {
        **fingerprint(sets),
        "pages": len(pages),
        "library": f"scikit-learn {sklearn.__version__}",
        "regularization": REGULARIZATION,
    }
    return HeaderModel(train(pages), trained_from), pages


def model_path(profile_dir: str | None) -> Path:
    return Path(profile_dir) / MODEL_FILE if profile_dir else BUILTIN_DIR / MODEL_FILE
