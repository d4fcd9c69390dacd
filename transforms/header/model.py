"""The header reader's model: one logistic scorer per field over the candidates' features.

The weights are data (`header_model.json` in the profiles folder, written by `zhnews train-header`
with what it was trained from); a user folder passed with `--profiles` may hold a retrained one,
which then wins. Scoring needs no learning library: a weighted sum of the features, so the ingest
workers load a few kilobytes, not scikit-learn.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from zhnews.transforms.header.candidates import Candidate

MODEL_FILE = "header_model.json"
FIELDS = ("title", "date", "outlet")


@dataclass(frozen=True, slots=True)
class FieldScorer:
    """A logistic scorer: intercept plus the weighted features (a feature it does not know weighs 0)."""

    weights: dict[str, float]
    intercept: float = 0.0

    def logit(self, features: dict[str, float]) -> float:
        weights = self.weights
        return self.intercept + sum(value * weights.get(name, 0.0) for name, value in features.items())

    def contributions(self, features: dict[str, float], top: int = 4) -> list[tuple[str, float]]:
        """The features that moved the score most, with how much (for `zhnews explain`)."""
        moved = [(name, value * self.weights.get(name, 0.0)) for name, value in features.items()]
        return sorted((m for m in moved if m[1]), key=lambda m: -abs(m[1]))[:top]


@dataclass(frozen=True, slots=True)
class HeaderModel:
    """The scorers of the three fields, and the record of what they were trained from."""

    scorers: dict[str, FieldScorer]
    trained_from: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> HeaderModel:
        data = json.loads(text)
        scorers = {
            name: FieldScorer({k: float(v) for k, v in spec["weights"].items()}, float(spec["intercept"]))
            for name, spec in data["fields"].items()
        }
        return cls(scorers, data.get("trained_from", {}))

    def to_json(self) -> str:
        fields = {
            name: {
                "intercept": round(s.intercept, 6),
                "weights": {k: round(v, 6) for k, v in sorted(s.weights.items())},
            }
            for name, s in self.scorers.items()
        }
        return json.dumps({"trained_from": self.trained_from, "fields": fields}, ensure_ascii=False, indent=1) + "\n"

    def ranked(self, candidates: list[Candidate]) -> list[tuple[float, Candidate]]:
        """The candidates of one field, best first, each with its probability; ties keep page order."""
        if not candidates:
            return []
        scorer = self.scorers.get(candidates[0].field)
        if scorer is None:
            return []
        scored = [(_sigmoid(scorer.logit(c.features)), c) for c in candidates]
        return sorted(scored, key=lambda sc: -sc[0])


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))
