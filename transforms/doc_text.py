"""What text analytics derive from one document: terms, keywords and a near-duplicate signature."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from zhnews.transforms.batch_terms import BatchTerms, analyse_texts, concat_terms
from zhnews.transforms.model import Document
from zhnews.transforms.neardup import NUM_PERM, Signature, signature_rows, signatures
from zhnews.transforms.segment import Segmenter, TextTerms, analyse_text


def analysis_text(doc: Document) -> tuple[str | None, str]:
    """The title and body analytics work on (the place to switch to a Simplified-normalized body)."""
    return doc.title, doc.body


def document_text(title: str | None, body: str | None) -> str:
    """A document as one text: its title, a line end, its body (what signatures and versions are of)."""
    return f"{title or ''}\n{body or ''}"


def version_of(title: str | None, body: str | None) -> str:
    """Which version of a document rows were derived from (`VERSION_SQL` in the warehouse)."""
    return hashlib.md5(document_text(title, body).encode()).hexdigest()


# `document_text` and `version_of` as DuckDB computes them for the rows of a table (`{t}`: its alias
# and a dot, or nothing): the stories pass reads stored texts, the loader compares versions; a test
# checks both agree with Python.
DOCUMENT_TEXT_SQL = "coalesce({t}title, '') || chr(10) || coalesce({t}body, '')"
VERSION_SQL = f"md5({DOCUMENT_TEXT_SQL})"


@dataclass(slots=True)
class DocAnalysis:
    """Segmentation and fingerprint of one version of a document."""

    doc_id: str
    version: str
    terms: TextTerms
    signature: Signature


def analyse_document(doc: Document, segmenter: Segmenter) -> DocAnalysis:
    """Segment the document once and fingerprint it."""
    return analyse_documents([doc], segmenter)[0]


def analyse_documents(docs: Sequence[Document], segmenter: Segmenter) -> list[DocAnalysis]:
    """`analyse_document` of each document; their signatures are computed together (fewer numpy calls)."""
    texts = [analysis_text(doc) for doc in docs]
    signed = signatures([document_text(title, body) for title, body in texts])
    return [
        DocAnalysis(doc.doc_id, version_of(doc.title, doc.body), analyse_text(segmenter, title, body), sig)
        for doc, (title, body), sig in zip(docs, texts, signed, strict=True)
    ]


@dataclass(slots=True)
class BatchAnalysis:
    """Segmentation and fingerprints of many document versions: `analyse_documents` as columns."""

    doc_ids: list[str]
    versions: list[str]
    terms: BatchTerms  # document i of the batch is row i of doc_ids, versions, minhash, shingles
    minhash: np.ndarray  # uint32, a row of NUM_PERM MinHash values per document (`Signature.hashvalues`)
    shingles: np.ndarray  # int64, each document's number of distinct shingles (`Signature.shingles`)

    def __len__(self) -> int:
        return len(self.doc_ids)

    @property
    def signatures(self) -> list[Signature]:
        """Each document's signature, as `analyse_documents` gives it."""
        rows = zip(self.minhash.tolist(), self.shingles.tolist(), strict=True)
        return [Signature(values, count) for values, count in rows]

    def slice(self, start: int, stop: int) -> BatchAnalysis:
        """Documents `start:stop` of the batch, as a batch of their own."""
        return BatchAnalysis(
            self.doc_ids[start:stop],
            self.versions[start:stop],
            self.terms.slice(start, stop),
            self.minhash[start:stop],
            self.shingles[start:stop],
        )


def concat_analyses(parts: Sequence[BatchAnalysis]) -> BatchAnalysis:
    """The batches one after the other, as one batch."""
    if len(parts) == 1:
        return parts[0]
    return BatchAnalysis(
        [doc_id for p in parts for doc_id in p.doc_ids],
        [version for p in parts for version in p.versions],
        concat_terms([p.terms for p in parts]),
        np.concatenate([p.minhash for p in parts] or [np.zeros((0, NUM_PERM), dtype=np.uint32)]),
        np.concatenate([p.shingles for p in parts] or [np.zeros(0, dtype=np.int64)]),
    )


def analyse_batch(
    docs: Sequence[Document], segmenter: Segmenter, versions: Sequence[str] | None = None
) -> BatchAnalysis:
    """`analyse_documents` of a batch of documents, with their terms and keywords counted for the
    batch at once (`transforms.batch_terms`): far fewer Python steps per document. `versions`:
    their `version_of`, when the caller has them."""
    return _analyse(
        [doc.doc_id for doc in docs],
        list(versions) if versions is not None else [version_of(doc.title, doc.body) for doc in docs],
        [analysis_text(doc) for doc in docs],
        segmenter,
    )


def analyse_stored(rows: Sequence[tuple[str, str | None, str]], segmenter: Segmenter) -> BatchAnalysis:
    """`analyse_batch` of documents given as stored (doc_id, title, body) rows (a re-index)."""
    return _analyse(
        [doc_id for doc_id, _, _ in rows],
        [version_of(title, body) for _, title, body in rows],
        [(title, body) for _, title, body in rows],
        segmenter,
    )


def _analyse(
    doc_ids: list[str], versions: list[str], texts: list[tuple[str | None, str]], segmenter: Segmenter
) -> BatchAnalysis:
    minhash, shingles = signature_rows([document_text(title, body) for title, body in texts])
    return BatchAnalysis(doc_ids, versions, analyse_texts(segmenter, texts), minhash, shingles)
