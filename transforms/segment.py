"""Chinese word segmentation: jieba accurate mode with a user dictionary, stopwords and TF-IDF keywords.

`Segmenter` is pure once built: the dictionary data (user dictionary entries, stopwords, the IDF
table) is read by `flows.config.load_segmenter` and handed in. Two engines give the same tokens:

* `jieba` — the reference (jieba's `Tokenizer.cut` in accurate mode, HMM off);
* `rjieba` — jieba-rs, a Rust port with jieba's dictionary, ~20-30× faster (the default).

HMM new-word discovery is off in both: it guesses names from character statistics (and guesses
differently in the two engines); names news keeps using belong in the user dictionary instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_, itemgetter, mul, truediv
from typing import NamedTuple

import numpy as np
import pyarrow as pa

ENGINES = ("rjieba", "jieba")
DEFAULT_ENGINE = "rjieba"
TOP_KEYWORDS = 10
_MEMO_LIMIT = 1_000_000  # distinct tokens remembered by term_of (a cache: results never depend on it)

_WORDISH = re.compile(r"[^\W_]")  # a term holds at least one letter, digit or CJK character
_LETTER = re.compile(r"[^\W\d_]")  # a keyword holds at least one letter or CJK character
_SINGLE_LATIN = re.compile(r"^[a-z]$")


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One user dictionary entry, in jieba's `word [freq] [tag]` format."""

    word: str
    freq: int | None = None
    tag: str | None = None


def parse_user_dict(text: str, origin: str = "user dictionary") -> list[DictEntry]:
    """Entries of a jieba-format user dictionary; `#` comments and blank lines are skipped."""
    entries = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word, rest = parts[0], parts[1:]
        freq = None
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        tag = rest.pop(0) if rest else None
        if rest:
            raise ValueError(f"{origin}:{no}: expected `word [freq] [tag]`, got {raw!r}")
        entries.append(DictEntry(unicodedata.normalize("NFC", word), freq, tag))
    return entries


def parse_word_list(text: str) -> list[str]:
    """Words of a one-word-a-line list (stopwords); `#` comments and blank lines are skipped."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [unicodedata.normalize("NFC", w) for w in words if w]


def parse_synonyms(text: str) -> list[tuple[str, ...]]:
    """Concepts of a synonyms table: one a line, spellings separated by tabs, case-folded."""
    groups = []
    for raw in text.splitlines():
        words = tuple(unicodedata.normalize("NFC", w.strip()).casefold() for w in raw.split("#", 1)[0].split("\t"))
        words = tuple(w for w in words if w)
        if len(words) > 1:
            groups.append(words)
    return groups


class IdfTable:
    """An IDF table (word → IDF) held as arrays, looked up many words at a time.

    jieba's 270k words take ~55 MiB of a process as a dict of Python strings and floats, ~10 MiB
    here: the words (an Arrow array) and their IDFs, sorted by the words' `hash`; a word is looked
    up by its hash, then compared with the word stored there. (`hash` differs between processes:
    the table is rebuilt when unpickled, and falls back to a dict if two words share a hash.)
    """

    def __init__(self, table: Mapping[str, float] | None = None):
        table = table or {}
        hashes = np.fromiter(map(hash, table), dtype=np.int64, count=len(table))
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._words = pa.array(list(table), pa.string()).take(pa.array(order))
        self._values = np.fromiter(table.values(), dtype=np.float64, count=len(table))[order]
        self._colliding = dict(table) if len(table) and not np.all(np.diff(self._hashes)) else None
        self.median = float(np.sort(self._values)[len(table) // 2]) if len(table) else 1.0

    def __len__(self) -> int:
        return len(self._values)

    def __reduce__(self) -> tuple[type[IdfTable], tuple[dict[str, float]]]:
        return IdfTable, (dict(zip(self._words.to_pylist(), self._values.tolist(), strict=True)),)

    def lookup(self, words: Sequence[str], default: float) -> np.ndarray:
        """The IDF of each word (float64), `default` for words not in the table."""
        if self._colliding is not None:
            return np.array([self._colliding.get(word, default) for word in words], dtype=np.float64)
        out = np.full(len(words), default, dtype=np.float64)
        if not len(words) or not len(self._hashes):
            return out
        hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
        at = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
        maybe = np.flatnonzero(self._hashes[at] == hashes)
        stored = self._words.take(pa.array(at[maybe])).to_pylist()
        found = maybe[[word == words[i] for i, word in zip(maybe.tolist(), stored, strict=True)]]
        out[found] = self._values[at[found]]
        return out


def parse_idf(text: str) -> dict[str, float]:
    """jieba's IDF table (`word idf` a line)."""
    table = {}
    for line in text.splitlines():
        word, _, value = line.strip().partition(" ")
        if word and value:
            table[word] = float(value)
    return table


class Keyword(NamedTuple):
    """A keyword of a document, its TF-IDF weight and its rank (1 = best); a tuple, cheap to make."""

    keyword: str
    weight: float
    rank: int


class Segmenter:
    """Cuts text into words (accurate mode) and turns them into search terms and keywords."""

    def __init__(
        self,
        engine: str = DEFAULT_ENGINE,
        user_dict: Sequence[DictEntry] = (),
        stopwords: Iterable[str] = (),
        idf: Mapping[str, float] | IdfTable | None = None,
    ):
        if engine not in ENGINES:
            raise ValueError(f"unknown segmentation engine {engine!r}; choose one of {', '.join(ENGINES)}")
        self.engine = engine
        self.stopwords = frozenset(w.casefold() for w in stopwords)
        self.idf = idf if isinstance(idf, IdfTable) else IdfTable(idf)
        self.median_idf = self.idf.median  # the IDF of words not in the table
        self._cut = _build_engine(engine, user_dict)
        self._term_memo: dict[str, str] = {}  # token -> its search term, or ""
        self._keyword_memo: dict[str, bool] = {}  # token -> whether it may be a keyword
        self._idf_memo: dict[str, float] = {}  # token -> its IDF (`idf_of`)
        self._vocabulary = _Vocabulary()  # what `token_classes` remembers

    def cut(self, text: str) -> list[str]:
        """Every token of `text`, punctuation and spaces included, in order (jieba `cut`, HMM off)."""
        return self._cut(text)

    def is_term(self, token: str) -> bool:
        """Whether a (case-folded) token is worth indexing: not a stopword, not punctuation or space."""
        return bool(_WORDISH.search(token)) and token not in self.stopwords and not _SINGLE_LATIN.match(token)

    def _classify(self, token: str) -> tuple[str, bool]:
        """(the search term a token stands for or "", whether it may be a keyword). Memoized."""
        term = self._term_memo.get(token)
        if term is not None:
            return term, self._keyword_memo[token]
        known = self._classes(token)
        if len(self._term_memo) < _MEMO_LIMIT:
            self._term_memo[token], self._keyword_memo[token] = known
        return known

    def token_classes(self, tokens: Sequence[str]) -> TokenClasses:
        """`classify` and `idf_of` of distinct tokens as arrays, for a batch's counting in numpy:
        each token's term (an id, -1 for none; `term_texts` gives its text), whether it may be a
        keyword, and its IDF when it may be one (else 0). Remembered per token, so one dictionary
        lookup each for tokens seen before."""
        vocabulary = self._vocabulary
        rows = list(map(vocabulary.rows.get, tokens))
        if None in rows:
            unseen = list(dict.fromkeys(compress(tokens, map(is_, rows, repeat(None)))))
            if len(vocabulary.rows) + len(unseen) > _MEMO_LIMIT:  # full: start again (ids hold within a call)
                self._vocabulary = vocabulary = _Vocabulary()
                unseen = list(dict.fromkeys(tokens))
            classes = [self._classes(token) for token in unseen]
            keyword = np.fromiter((c[1] for c in classes), dtype=bool, count=len(classes))
            idf = np.zeros(len(unseen), dtype=np.float64)
            idf[keyword] = self.idf.lookup(list(compress(unseen, keyword)), self.median_idf)
            vocabulary.add(unseen, [c[0] for c in classes], keyword, idf)
            rows = list(map(vocabulary.rows.get, tokens))
        at = np.fromiter(rows, dtype=np.int64, count=len(rows))
        return TokenClasses(vocabulary.term[at], vocabulary.keyword[at], vocabulary.idf[at])

    def term_texts(self, term_ids: Iterable[int]) -> list[str]:
        """The text of each term id `token_classes` gave (valid until its next call)."""
        return list(map(self._vocabulary.terms.__getitem__, term_ids))

    def _classes(self, token: str) -> tuple[str, bool]:
        """(the search term a token stands for or "", whether it may be a keyword)."""
        folded = token.strip().casefold()
        return (
            folded if folded and self.is_term(folded) else "",
            len(folded) >= 2 and token.casefold() not in self.stopwords and bool(_LETTER.search(token)),
        )

    def idf_of(self, tokens: Sequence[str]) -> np.ndarray:
        """The IDF of each token (float64; the table's median for words not in it). Memoized:
        a batch's groups of documents share most of their words."""
        values = list(map(self._idf_memo.get, tokens))
        if None in values:
            missing = [token for token, value in zip(tokens, values, strict=True) if value is None]
            found = self.idf.lookup(missing, self.median_idf).tolist()
            if len(self._idf_memo) < _MEMO_LIMIT:
                self._idf_memo.update(zip(missing, found, strict=True))
            filled = iter(found)
            values = [next(filled) if value is None else value for value in values]
        return np.array(values, dtype=np.float64)

    def term_of(self, token: str) -> str:
        """The search term a token stands for (case-folded), or "" if it is not one."""
        return self._classify(token)[0]

    def terms(self, text: str) -> list[str]:
        """Search terms of `text`, in order: tokens case-folded, stopwords and punctuation dropped."""
        return [t for t in map(self.term_of, self.cut(text)) if t]

    def classify(self, tokens: Sequence[str]) -> tuple[list[str], list[bool]]:
        """For each token: the search term it stands for (or ""), and whether it may be a keyword."""
        terms = list(map(self._term_memo.get, tokens))
        if None in terms:  # tokens not seen before: classify those (into the memo), then look up again
            for token in compress(tokens, map(is_, terms, repeat(None))):
                self._classify(token)
            terms = list(map(self._term_memo.get, tokens))
        keywords = list(map(self._keyword_memo.get, tokens))
        if None in terms:  # the memo is full: classify without it
            classified = [self._classify(token) for token in tokens]
            terms, keywords = [c[0] for c in classified], [c[1] for c in classified]
        return terms, keywords

    def tally(self, token_counts: Counter[str]) -> tuple[Counter[str], dict[str, int]]:
        """From occurrences of each token: occurrences of each term, and of each keyword candidate
        (in the tokens' first-occurrence order)."""
        terms, keywords = self.classify(list(token_counts))
        counts = list(token_counts.values())
        candidates = dict(compress(zip(token_counts, counts, strict=True), keywords))
        tf = dict(compress(zip(terms, counts, strict=True), terms))  # "" is no term
        if len(tf) < len(terms) - terms.count(""):  # tokens that fold to one term ("Trump", "trump"): add up
            tf = {}
            for term, n in compress(zip(terms, counts, strict=True), terms):
                tf[term] = tf.get(term, 0) + n
        return Counter(tf), candidates

    def term_set(self, tokens: Iterable[str]) -> frozenset[str]:
        """The distinct search terms of some tokens (`term_of` each, "" left out)."""
        return frozenset(term for term in self.classify(list(tokens))[0] if term)

    def keywords(self, tokens: Sequence[str], top: int = TOP_KEYWORDS) -> list[Keyword]:
        """TF-IDF keywords of already-cut tokens, computed as `jieba.analyse.extract_tags` does."""
        return self.keywords_from(self.tally(Counter(tokens))[1], top)

    def keywords_from(self, candidates: dict[str, int], top: int = TOP_KEYWORDS) -> list[Keyword]:
        """TF-IDF keywords from keyword candidates' counts (see `tally`).

        Words shorter than two characters, stopwords, and (unlike jieba) numbers and punctuation are
        not candidates; weight = tf × idf / total (idf from jieba's table, its median for unknown
        words); ties keep first-occurrence order.
        """
        total = sum(candidates.values())
        if not total:
            return []
        idfs = self.idf.lookup(list(candidates), self.median_idf).tolist()
        weights = map(truediv, map(mul, candidates.values(), idfs), repeat(total))  # n × idf / total
        # a stable sort: ties keep input order (faster than heapq.nlargest for a document's few hundred words)
        ranked = sorted(zip(candidates, weights, strict=True), key=itemgetter(1), reverse=True)[:top]
        return [Keyword(w, weight, rank) for rank, (w, weight) in enumerate(ranked, start=1)]


class TokenClasses(NamedTuple):
    """`Segmenter.token_classes` of some tokens, one array entry a token."""

    term: np.ndarray  # int64: the id of the search term the token stands for, -1 for none
    keyword: np.ndarray  # bool: whether the token may be a keyword
    idf: np.ndarray  # float64: its IDF if it may be a keyword, else 0


class _Vocabulary:
    """Tokens seen by `token_classes` (a row each) and their classes as arrays; the distinct terms
    they stand for (an id each)."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.term = np.zeros(0, dtype=np.int64)
        self.keyword = np.zeros(0, dtype=bool)
        self.idf = np.zeros(0, dtype=np.float64)
        self.term_ids: dict[str, int] = {}
        self.terms: list[str] = []

    def add(self, tokens: list[str], terms: list[str], keyword: np.ndarray, idf: np.ndarray) -> None:
        """New tokens (not yet here) with their terms ("" for none), keyword flags and IDFs."""
        for term in terms:
            if term and term not in self.term_ids:
                self.term_ids[term] = len(self.terms)
                self.terms.append(term)
        ids = [self.term_ids[term] if term else -1 for term in terms]
        self.rows.update(zip(tokens, range(len(self.rows), len(self.rows) + len(tokens)), strict=True))
        self.term = np.concatenate((self.term, np.array(ids, dtype=np.int64)))
        self.keyword = np.concatenate((self.keyword, keyword))
        self.idf = np.concatenate((self.idf, idf))


def _build_engine(engine: str, user_dict: Sequence[DictEntry]):
    """A `text -> tokens` function for the engine, with the user dictionary added in file order."""
    if engine == "rjieba":
        import rjieba

        tokenizer = rjieba.Jieba()
        for entry in user_dict:
            tokenizer.add_word(entry.word, entry.freq, entry.tag)
        return lambda text: tokenizer.cut(text, False)
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for entry in user_dict:
        tokenizer.add_word(entry.word, entry.freq, entry.tag)
    return lambda text: tokenizer.lcut(text, HMM=False)


@dataclass(slots=True)
class TextTerms:
    """What segmentation yields for one document: term counts, title terms, keywords, length."""

    tf: Counter[str]
    in_title: frozenset[str]
    keywords: list[Keyword]
    term_count: int


def analyse_text(segmenter: Segmenter, title: str | None, body: str) -> TextTerms:
    """Segment a document's title and body once; derive its terms and keywords from the tokens."""
    title_tokens = segmenter.cut(title) if title else []
    body_tokens = segmenter.cut(body) if body else []
    counts = Counter(title_tokens)
    counts.update(body_tokens)
    tf, candidates = segmenter.tally(counts)
    return TextTerms(
        tf=tf,
        in_title=segmenter.term_set(title_tokens),
        keywords=segmenter.keywords_from(candidates),
        term_count=sum(tf.values()),
    )
