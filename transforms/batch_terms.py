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

from transforms.segment import TOP_KEYWORDS, Keyword, Segmenter, TextTerms


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


def analyse_texts(segmenter: Segmenter, texts: Sequence[tuple[str | None, str]], top: int = TOP_KEYWORDS) -> BatchTerms:
    """`analyse_text(segmenter, title, body)` of each (title, body), computed for the batch at once.

    Each document's tokens are its title's then its body's, so a term is a title term exactly when
    its first occurrence in the document is in the title.
    """
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
    n_docs = len(texts)
    lengths = np.array(lengths, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)  # the document of each token
    in_title = np.arange(len(tokens), dtype=np.int64) - starts[doc] < np.array(title_lengths, dtype=np.int64)[doc]

    encoded = pa.array(tokens, pa.string()).dictionary_encode()
    token_id = encoded.indices.to_numpy().astype(np.int64)
    distinct = encoded.dictionary
    distinct_tokens = distinct.to_pylist()
    distinct_terms, distinct_keywords = segmenter.classify(distinct_tokens)

    # terms: (document, term) counts in first-occurrence order
    term_names = pa.array(distinct_terms, pa.string()).dictionary_encode()
    term_of_token = term_names.indices.to_numpy().astype(np.int64)[token_id]
    is_term = (np.array(distinct_terms, dtype=object) != "")[token_id] if distinct_terms else np.zeros(0, bool)
    term_key = doc[is_term] * max(len(term_names.dictionary), 1) + term_of_token[is_term]
    first, tf = _first_order_counts(term_key)
    term_doc = doc[is_term][first]
    term = term_names.dictionary.take(pa.array(term_of_token[is_term][first]))
    term_in_title = in_title[is_term][first]
    term_count = np.bincount(doc[is_term], minlength=n_docs).astype(np.int64)

    # keywords: (document, token) counts in first-occurrence order, weighted n × idf / total
    is_candidate = np.array(distinct_keywords, dtype=bool)[token_id] if distinct_keywords else np.zeros(0, bool)
    candidate_key = doc[is_candidate] * max(len(distinct), 1) + token_id[is_candidate]
    first, counts = _first_order_counts(candidate_key)
    candidate_doc = doc[is_candidate][first]
    candidate = token_id[is_candidate][first]
    total = np.bincount(doc[is_candidate], minlength=n_docs)
    weight = counts * _idf_of(segmenter, distinct_tokens, distinct_keywords)[candidate] / total[candidate_doc]
    order = np.lexsort((-weight, candidate_doc))  # stable: ties keep first-occurrence order
    per_doc = np.bincount(candidate_doc, minlength=n_docs)
    rank = np.arange(len(order), dtype=np.int64) - np.repeat(np.cumsum(per_doc) - per_doc, per_doc) + 1
    kept = order[rank <= top]
    kept_rank = rank[rank <= top]

    return BatchTerms(
        term_doc=term_doc,
        term=term,
        tf=tf,
        in_title=term_in_title,
        term_offsets=_offsets(term_doc, n_docs),
        keyword_doc=candidate_doc[kept],
        keyword=distinct.take(pa.array(candidate[kept])),
        weight=weight[kept],
        rank=kept_rank,
        keyword_offsets=_offsets(candidate_doc[kept], n_docs),
        term_count=term_count,
    )


def _first_order_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct key, the position of its first occurrence and its count, in order of first occurrence."""
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    order = np.argsort(first)
    return first[order], counts[order].astype(np.int64)


def _idf_of(segmenter: Segmenter, tokens: list[str], candidates: list[bool]) -> np.ndarray:
    """The IDF of each distinct token that may be a keyword (the table's median for unknown words; 0 for the rest)."""
    idf, median = segmenter.idf, segmenter.median_idf
    return np.array(
        [idf.get(token, median) if ok else 0.0 for token, ok in zip(tokens, candidates, strict=True)],
        dtype=np.float64,
    )


def _offsets(row_doc: np.ndarray, n_docs: int) -> np.ndarray:
    """Where each document's rows start (rows grouped by document, in order), and the end."""
    return np.concatenate(([0], np.cumsum(np.bincount(row_doc, minlength=n_docs)))).astype(np.int64)
