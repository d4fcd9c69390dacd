"""`analyse_text` for many documents at once: tokens are cut per document, counted per batch.

Counting a document's words in Python (a dict per document, a sort per document) cost several
times more than cutting them. Here the tokens of every document go into one Arrow array,
dictionary-encoded; only the batch's distinct tokens are classified (through the segmenter's
memo), and term frequencies, title terms and TF-IDF keywords are counted with numpy over the
whole batch. The result is the same as `analyse_text` of each document, value for value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from zhnews.transforms.segment import TOP_KEYWORDS, Keyword, Segmenter, TextTerms


@dataclass(slots=True)
class BatchTerms:
    """`analyse_text` of a batch of documents as columns.

    Term rows (`term_doc`, `term`, `tf`, `in_title`) and keyword rows (`keyword_doc`, `keyword`,
    `weight`, `rank`) are grouped by document, in document order, each document's rows in the
    order `analyse_text` gives them; `term_offsets[i]:term_offsets[i + 1]` are document i's term
    rows (likewise `keyword_offsets`). `term_count[i]` is document i's number of term occurrences.
    """

    term_doc: np.ndarray  # int64: the document (index into the batch) of each term row
    term: pa.StringArray
    tf: np.ndarray  # int64
    in_title: np.ndarray  # bool
    term_offsets: np.ndarray  # int64, one more than documents
    keyword_doc: np.ndarray  # int64
    keyword: pa.StringArray
    weight: np.ndarray  # float64
    rank: np.ndarray  # int64, 1 = best
    keyword_offsets: np.ndarray  # int64, one more than documents
    term_count: np.ndarray  # int64, per document

    def __len__(self) -> int:
        return len(self.term_count)

    def slice(self, start: int, stop: int) -> BatchTerms:
        """Documents `start:stop` of the batch, as a batch of their own (views, no copies)."""
        terms = slice(int(self.term_offsets[start]), int(self.term_offsets[stop]))
        keywords = slice(int(self.keyword_offsets[start]), int(self.keyword_offsets[stop]))
        return BatchTerms(
            term_doc=self.term_doc[terms] - start,
            term=self.term[terms],
            tf=self.tf[terms],
            in_title=self.in_title[terms],
            term_offsets=self.term_offsets[start : stop + 1] - terms.start,
            keyword_doc=self.keyword_doc[keywords] - start,
            keyword=self.keyword[keywords],
            weight=self.weight[keywords],
            rank=self.rank[keywords],
            keyword_offsets=self.keyword_offsets[start : stop + 1] - keywords.start,
            term_count=self.term_count[start:stop],
        )

    def text_terms(self, doc: int) -> TextTerms:
        """Document `doc`'s result in `analyse_text`'s shape (a view for callers that want one)."""
        terms = slice(self.term_offsets[doc], self.term_offsets[doc + 1])
        keywords = slice(self.keyword_offsets[doc], self.keyword_offsets[doc + 1])
        words = self.term[terms].to_pylist()
        return TextTerms(
            tf=dict(zip(words, self.tf[terms].tolist(), strict=True)),
            in_title=frozenset(w for w, title in zip(words, self.in_title[terms].tolist(), strict=True) if title),
            keywords=[
                Keyword(word, weight, rank)
                for word, weight, rank in zip(
                    self.keyword[keywords].to_pylist(),
                    self.weight[keywords].tolist(),
                    self.rank[keywords].tolist(),
                    strict=True,
                )
            ],
            term_count=int(self.term_count[doc]),
        )


def concat_terms(parts: Sequence[BatchTerms]) -> BatchTerms:
    """The batches one after the other, as one batch (document i of the second batch is document
    len(first) + i of the result)."""
    firsts = np.cumsum([0] + [len(p) for p in parts])[:-1]
    term_starts = np.cumsum([0] + [int(p.term_offsets[-1]) for p in parts])
    keyword_starts = np.cumsum([0] + [int(p.keyword_offsets[-1]) for p in parts])
    return BatchTerms(
        term_doc=np.concatenate([p.term_doc + first for p, first in zip(parts, firsts, strict=True)] or [_NONE]),
        term=pa.concat_arrays([p.term for p in parts]) if parts else pa.array([], pa.string()),
        tf=np.concatenate([p.tf for p in parts] or [_NONE]),
        in_title=np.concatenate([p.in_title for p in parts] or [np.zeros(0, bool)]),
        term_offsets=np.concatenate(
            [[0], *(p.term_offsets[1:] + start for p, start in zip(parts, term_starts, strict=False))]
        ).astype(np.int64),
        keyword_doc=np.concatenate([p.keyword_doc + first for p, first in zip(parts, firsts, strict=True)] or [_NONE]),
        keyword=pa.concat_arrays([p.keyword for p in parts]) if parts else pa.array([], pa.string()),
        weight=np.concatenate([p.weight for p in parts] or [np.zeros(0)]),
        rank=np.concatenate([p.rank for p in parts] or [_NONE]),
        keyword_offsets=np.concatenate(
            [[0], *(p.keyword_offsets[1:] + start for p, start in zip(parts, keyword_starts, strict=False))]
        ).astype(np.int64),
        term_count=np.concatenate([p.term_count for p in parts] or [_NONE]),
    )


_NONE = np.zeros(0, dtype=np.int64)


def analyse_texts(segmenter: Segmenter, texts: Sequence[tuple[str | None, str]], top: int = TOP_KEYWORDS) -> BatchTerms:
    """`analyse_text(segmenter, title, body)` of each (title, body), computed for the batch at once."""
    tokens, doc, in_title = _cut_documents(segmenter, texts)
    encoded = pa.array(tokens, pa.string()).dictionary_encode()  # the batch's distinct tokens, and which each token is
    del tokens
    token_id = encoded.indices.to_numpy().astype(np.int64)
    distinct = encoded.dictionary
    classes = segmenter.token_classes(distinct.to_pylist())
    n_docs = len(texts)
    term_doc, term, tf, term_in_title, term_count = _term_rows(segmenter, doc, in_title, token_id, classes.term, n_docs)
    keyword_doc, keyword_id, weight, rank = _keyword_rows(doc, token_id, classes.keyword, classes.idf, n_docs, top)
    return BatchTerms(
        term_doc=term_doc,
        term=term,
        tf=tf,
        in_title=term_in_title,
        term_offsets=_offsets(term_doc, n_docs),
        keyword_doc=keyword_doc,
        keyword=distinct.take(pa.array(keyword_id)),
        weight=weight,
        rank=rank,
        keyword_offsets=_offsets(keyword_doc, n_docs),
        term_count=term_count,
    )


def _cut_documents(
    segmenter: Segmenter, texts: Sequence[tuple[str | None, str]]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every document's tokens, its title's then its body's, in one list; the document (index) of
    each token, and whether it comes from the title."""
    tokens: list[str] = []
    title_lengths, lengths = [], []
    cut = segmenter.cut
    for title, body in texts:
        title_tokens = cut(title) if title else []
        body_tokens = cut(body) if body else []
        tokens += title_tokens
        tokens += body_tokens
        title_lengths.append(len(title_tokens))
        lengths.append(len(title_tokens) + len(body_tokens))
    lengths = np.array(lengths, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    in_title = np.arange(len(tokens), dtype=np.int64) - starts[doc] < np.array(title_lengths, dtype=np.int64)[doc]
    return tokens, doc, in_title


def _term_rows(
    segmenter: Segmenter,
    doc: np.ndarray,
    in_title: np.ndarray,
    token_id: np.ndarray,
    token_term: np.ndarray,
    n_docs: int,
) -> tuple[np.ndarray, pa.StringArray, np.ndarray, np.ndarray, np.ndarray]:
    """(document, term) rows in first-occurrence order: document, term, tf, in_title; and each
    document's term count (`token_term`: the term id of each distinct token, -1 for none). Tokens
    that fold to one term ("Trump", "trump") count as that term; a term is a title term when its
    first occurrence is in the title (titles come first)."""
    term_ids, batch_term = np.unique(token_term, return_inverse=True)  # the batch's terms, numbered 0...
    if len(term_ids) and term_ids[0] < 0:  # -1 (no term) came first
        term_ids, batch_term = term_ids[1:], batch_term - 1
    of_token = batch_term[token_id]
    is_term = of_token >= 0
    term_doc, term_id, title = doc[is_term], of_token[is_term], in_title[is_term]
    first, tf = _first_order_counts(term_doc * max(len(term_ids), 1) + term_id)
    names = pa.array(segmenter.term_texts(term_ids.tolist()), pa.string())
    term = names.take(pa.array(term_id[first]))
    return term_doc[first], term, tf, title[first], np.bincount(term_doc, minlength=n_docs).astype(np.int64)


def _keyword_rows(
    doc: np.ndarray, token_id: np.ndarray, may_be_keyword: np.ndarray, idf: np.ndarray, n_docs: int, top: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each document's `top` keywords as `Segmenter.keywords_from` ranks them: document, token id,
    weight (n × idf / total, in that order of float operations), rank; a stable sort by weight, so
    ties keep the first-occurrence order of the tokens."""
    is_candidate = may_be_keyword[token_id]
    candidate_doc, candidate_id = doc[is_candidate], token_id[is_candidate]
    first, counts = _first_order_counts(candidate_doc * max(len(idf), 1) + candidate_id)
    total = np.bincount(candidate_doc, minlength=n_docs)
    candidate_doc, candidate_id = candidate_doc[first], candidate_id[first]
    weight = counts * idf[candidate_id] / total[candidate_doc]
    order = _by_document_then_weight(candidate_doc, weight)
    per_doc = np.bincount(candidate_doc, minlength=n_docs)
    rank = np.arange(len(order), dtype=np.int64) - np.repeat(np.cumsum(per_doc) - per_doc, per_doc) + 1
    kept = order[rank <= top]
    return candidate_doc[kept], candidate_id[kept], weight[kept], rank[rank <= top]


def _by_document_then_weight(row_doc: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The order of rows by document, then weight descending, ties in row order:
    `np.lexsort((-weight, row_doc))`.

    Each row's document, the rank of its weight among the distinct weights (heaviest first) and the
    row itself are packed into one integer, whose plain sort is that order (stable sorts of floats
    are ~2x slower); else (NaNs, too many rows to pack) two stable sorts."""
    n = len(weight)
    bits = max(n.bit_length(), 1)
    if n and int(row_doc.max()) < 1 << (62 - 2 * bits) and not np.isnan(weight).any():
        heaviest = np.argsort(-weight)  # ties in any order: they get one rank
        sorted_weight = weight[heaviest]
        step = np.empty(n, dtype=np.int64)
        step[0] = 0
        np.not_equal(sorted_weight[1:], sorted_weight[:-1], out=step[1:])
        rank = np.empty(n, dtype=np.int64)
        rank[heaviest] = np.cumsum(step)
        packed = (row_doc.astype(np.int64) << (2 * bits)) | (rank << bits) | np.arange(n, dtype=np.int64)
        return np.sort(packed) & np.int64((1 << bits) - 1)
    by_weight = np.argsort(-weight, kind="stable")
    docs = row_doc[by_weight]
    if len(docs) and docs.max() <= np.iinfo(np.uint16).max:
        docs = docs.astype(np.uint16)  # numpy sorts 16-bit integers stably by radix
    return by_weight[np.argsort(docs, kind="stable")]


def _first_order_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct key (non-negative), the position of its first occurrence and its count, in
    order of first occurrence.

    Each key is packed with its position into one integer, so that two plain sorts of integers do
    what `np.unique(return_index=True)` and an argsort do (stable argsorts are ~3x slower)."""
    n = len(keys)
    bits = max(n.bit_length(), 1)  # positions and counts fit in `bits` bits
    if not n or int(keys.max()) >= 1 << (62 - bits):
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        order = np.argsort(first)
        return first[order], counts[order].astype(np.int64)
    low = np.int64((1 << bits) - 1)
    packed = np.sort((keys.astype(np.int64) << bits) | np.arange(n, dtype=np.int64))  # by key, then position
    head = np.empty(n, dtype=bool)  # where a run of one key starts: its first occurrence
    head[0] = True
    np.not_equal(packed[1:] >> bits, packed[:-1] >> bits, out=head[1:])
    starts = np.flatnonzero(head)
    counts = np.diff(np.append(starts, n))
    by_first = np.sort(((packed[starts] & low) << bits) | counts)
    return by_first >> bits, by_first & low


def _offsets(row_doc: np.ndarray, n_docs: int) -> np.ndarray:
    """Where each document's rows start (rows grouped by document, in order), and the end."""
    return np.concatenate(([0], np.cumsum(np.bincount(row_doc, minlength=n_docs)))).astype(np.int64)
