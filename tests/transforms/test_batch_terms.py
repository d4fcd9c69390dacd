"""Counting a batch's terms and keywords at once gives each document exactly what `analyse_text` gives it."""

import numpy as np
import pytest
import zhnews.transforms.segment as segment
from zhnews.flows.config import load_segmenter
from zhnews.transforms.batch_terms import _by_document_then_weight, _first_order_counts, analyse_texts
from zhnews.transforms.segment import Keyword, Segmenter, analyse_text

from bench.synth import Writer
from tests.conftest import SAMPLES


def as_values(terms):
    """Everything a TextTerms says, with the order of terms and keywords."""
    return list(terms.tf.items()), terms.in_title, terms.keywords, terms.term_count


def assert_same_as_each_document(words, texts):
    batch = analyse_texts(words, texts)
    assert len(batch) == len(texts)
    for i, (title, body) in enumerate(texts):
        assert as_values(batch.text_terms(i)) == as_values(analyse_text(words, title, body)), (title, body[:80])


def seed_documents(processor):
    docs = []
    for path in sorted(SAMPLES.glob("*.txt")):
        docs += processor.process(path.read_text(encoding="utf-8")).documents
    return [(d.title, d.body) for d in docs]


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_seed_documents_get_what_analyse_text_gives_them(processor, engine):
    texts = seed_documents(processor)
    assert len(texts) >= 20
    assert_same_as_each_document(load_segmenter((), engine), texts)


def test_generated_documents_get_what_analyse_text_gives_them(processor):
    writer = Writer(seed=11)
    texts = []
    for i in range(40):
        texts += [(d.title, d.body) for d in processor.process(writer.any_dump(i).text).documents]
    assert len(texts) > 100
    assert_same_as_each_document(load_segmenter(), texts)


def test_weights_are_the_same_floats_and_ties_keep_first_occurrence_order():
    words = Segmenter("rjieba", idf={"北约": 2.0, "日本": 2.0, "欢迎": 4.0})
    batch = analyse_texts(words, [("日本", "北约 日本 北约 欢迎")])
    assert batch.text_terms(0).keywords == [
        Keyword("日本", 2 * 2.0 / 5, 1),  # tied with 北约 (2 × 2.0), seen first
        Keyword("北约", 2 * 2.0 / 5, 2),
        Keyword("欢迎", 1 * 4.0 / 5, 3),
    ]


def test_only_the_top_keywords_are_kept_and_ties_at_the_cut_go_to_the_earliest_words():
    words = Segmenter("rjieba")  # no IDF table: every word weighs the same
    names = ["北约", "日本", "美国", "中国", "欢迎", "表示", "会谈", "同盟", "首相", "总统", "合作", "支持"]
    batch = analyse_texts(words, [(None, "，".join(names))], top=10)
    assert [k.keyword for k in batch.text_terms(0).keywords] == names[:10]
    assert [k.rank for k in batch.text_terms(0).keywords] == list(range(1, 11))


def test_spellings_of_one_word_are_one_term_but_separate_keywords():
    words = Segmenter("rjieba", stopwords=["的"])
    terms = analyse_texts(words, [("Trump", "trump 的 TRUMP，北约")]).text_terms(0)
    assert list(terms.tf.items()) == [("trump", 3), ("北约", 1)]
    assert terms.in_title == frozenset({"trump"})
    assert [k.keyword for k in terms.keywords] == ["Trump", "trump", "TRUMP", "北约"]
    assert terms.term_count == 4


def test_stopwords_and_punctuation_are_neither_terms_nor_keywords():
    words = Segmenter("rjieba", stopwords=["我们", "的"])
    terms = analyse_texts(words, [(None, "我们的北约，。！")]).text_terms(0)
    assert list(terms.tf) == ["北约"]
    assert [k.keyword for k in terms.keywords] == ["北约"]


def test_a_term_is_a_title_term_when_the_title_holds_it():
    words = load_segmenter()
    terms = analyse_texts(words, [("北约秘书长致电高市早苗", "高市早苗表示欢迎。北约将加强合作。")]).text_terms(0)
    assert {"北约", "高市早苗"} <= terms.in_title
    assert "欢迎" in terms.tf and "欢迎" not in terms.in_title


def test_empty_documents_have_no_rows_and_do_not_shift_their_neighbours():
    words = load_segmenter()
    texts = [(None, ""), ("北约", "日本首相表示欢迎"), ("", ""), ("，。", "   "), (None, "特朗普与高市早苗通话")]
    batch = analyse_texts(words, texts)
    for empty in (0, 2, 3):
        assert as_values(batch.text_terms(empty)) == ([], frozenset(), [], 0)
    assert_same_as_each_document(words, texts)
    assert len(analyse_texts(words, [])) == 0


def test_a_document_seen_twice_gets_the_same_rows_both_times():
    words = load_segmenter()
    text = ("北约秘书长致电高市早苗", "高市早苗表示欢迎。北约将加强合作，北约盟友支持。")
    batch = analyse_texts(words, [text, ("日本", "美国"), text])
    assert as_values(batch.text_terms(0)) == as_values(batch.text_terms(2)) == as_values(analyse_text(words, *text))


@pytest.mark.parametrize("memo_limit", [0, 50])
def test_results_do_not_depend_on_the_classification_memo(monkeypatch, processor, memo_limit):
    texts = seed_documents(processor)[:20]
    reference = Segmenter("rjieba", stopwords=["的", "了"], idf={"北约": 9.0})
    expected = [as_values(analyse_text(reference, *t)) for t in texts]
    monkeypatch.setattr(segment, "_MEMO_LIMIT", memo_limit)  # the memo fills up: the rest is classified without it
    words = Segmenter("rjieba", stopwords=["的", "了"], idf={"北约": 9.0})
    batch = analyse_texts(words, texts)
    assert [as_values(batch.text_terms(i)) for i in range(len(texts))] == expected
    assert len(words._term_memo) <= memo_limit


def test_keywords_are_ordered_by_document_then_weight_ties_in_row_order_as_lexsort_orders_them():
    rng = np.random.default_rng(7)
    for docs in (3, 70_000, 1 << 40):  # packed with ranks and rows; too large to pack
        row_doc = np.sort(rng.integers(0, docs, 5000))
        weight = rng.integers(0, 4, 5000) / 4  # many ties
        weight[:3] = -0.0  # ties with 0.0
        assert _by_document_then_weight(row_doc, weight).tolist() == np.lexsort((-weight, row_doc)).tolist()
        weight[5] = np.nan  # sorted last, in row order
        assert _by_document_then_weight(row_doc, weight).tolist() == np.lexsort((-weight, row_doc)).tolist()
    assert _by_document_then_weight(np.zeros(0, dtype=np.int64), np.zeros(0)).tolist() == []


def test_first_occurrences_and_counts_of_keys_are_those_np_unique_gives_in_first_occurrence_order():
    rng = np.random.default_rng(11)
    for keys in (
        rng.integers(0, 50, 2000),  # many repeats
        rng.integers(0, 1 << 40, 3000),  # keys too large to pack with positions: the np.unique path
        np.array([7]),
        np.zeros(0, dtype=np.int64),
    ):
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        order = np.argsort(first)
        got_first, got_counts = _first_order_counts(keys)
        assert got_first.tolist() == first[order].tolist()
        assert got_counts.tolist() == counts[order].tolist()
