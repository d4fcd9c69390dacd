"""Shortcuts taken for speed give exactly what their plain, per-character definitions give."""

import random
import unicodedata
from collections import Counter
from itertools import islice

from zhnews.flows.config import load_segmenter
from zhnews.transforms import decode
from zhnews.transforms.corpus_lines import candidate_hash, is_candidate, line_hash
from zhnews.transforms.neardup import signature, signatures
from zhnews.transforms.normalize.script import han_sample
from zhnews.transforms.normalize.text import alnum_only
from zhnews.transforms.segment import Segmenter

from tests.conftest import SAMPLES

EVERY_CHARACTER = "".join(map(chr, range(0x110000)))
CHUNKS = [EVERY_CHARACTER[i : i + decode.TEXT_CHECK_CHARS] for i in range(0, 0x110000, decode.TEXT_CHECK_CHARS)]


def test_odd_share_counts_controls_unassigned_and_surrogates_over_every_character():
    """Not private-use characters: in page copies they are icon-font glyphs, removed as chrome."""
    for chunk in CHUNKS:
        odd = sum(1 for ch in chunk if ch not in "\t\n\r\f\v" and unicodedata.category(ch) in ("Cc", "Cn", "Cs"))
        assert decode._odd_share(chunk) == odd / len(chunk)


def test_chinese_share_counts_over_every_non_space_character():
    assert not any(ch.isspace() for ch in EVERY_CHARACTER[0x10000:])  # why a BMP class of spaces suffices
    for chunk in CHUNKS:
        sample = [ch for ch in chunk if not ch.isspace()]
        chinese = sum(
            1
            for ch in sample
            if ch < "\x7f" or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e"
        )
        assert decode._chinese_share(chunk) == chinese / len(sample)


def test_alnum_only_keeps_exactly_the_characters_isalnum_accepts():
    assert alnum_only(EVERY_CHARACTER) == "".join(ch for ch in EVERY_CHARACTER if ch.isalnum())
    assert alnum_only("阅读 (2,417)_x") == "阅读2417x"


def test_candidate_hash_is_the_line_hash_of_candidates_and_none_for_other_lines():
    for text in [
        "返回首页",
        "  返回首页 ",
        "阅读 (2,417)",
        "这是一个完整的句子。",
        "",
        "   ",
        "…",
        "x" * 41,
        "ｒｅａｄ　ｍｏｒｅ",
    ]:
        assert candidate_hash(text) == (line_hash(text) if is_candidate(text) else None)


def test_han_sample_is_the_first_chinese_characters_wherever_they_are():
    def plain(text):
        return "".join(islice((ch for ch in text if "\u3400" <= ch <= "\u9fff"), 400))

    rng = random.Random(3)
    pieces = ["中", "國", "a", " ", "，", "\u3400", "\u9fff", "\u33ff", "\ua000", "1", "abcdef" * 50]
    for _ in range(2000):
        text = "".join(rng.choice(pieces[: rng.randint(1, len(pieces))]) for _ in range(rng.randint(0, 1500)))
        assert han_sample(text) == plain(text)


def test_signing_texts_together_gives_each_text_its_own_signature(monkeypatch):
    import zhnews.transforms.neardup as neardup

    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    pieces = ["", "a", "abcd", "abcde", "中国人民银行", "The Quick, brown fox!", "".join(texts), *texts]
    rng = random.Random(5)
    batches = [[rng.choice(pieces)[: rng.randint(0, 20000)] for _ in range(rng.randint(0, 6))] for _ in range(30)]
    for batch_chars in (neardup.BATCH_CHARS, 3000):  # one group, and groups split by size
        monkeypatch.setattr(neardup, "BATCH_CHARS", batch_chars)
        for batch in batches:
            assert signatures(batch) == [signature(text) for text in batch]


def test_tokens_that_fold_to_one_term_add_up_and_keep_first_occurrence_order():
    words = Segmenter("rjieba", stopwords=["的"])
    tf, candidates = words.tally(Counter(["Trump", "说", "trump", "的", "TRUMP", "，", "北约"]))
    assert list(tf.items()) == [("trump", 3), ("说", 1), ("北约", 1)]
    assert list(candidates) == ["Trump", "trump", "TRUMP", "北约"]
    assert words.tally(Counter(["北约", "说"]))[0] == Counter({"北约": 1, "说": 1})  # memoized path


def test_title_terms_are_the_terms_of_the_title_tokens():
    words = load_segmenter()
    for title in ["北约秘书长吕特表示欢迎", "Trump 与 trump 的 通话", "", "，。"]:
        tokens = words.cut(title)
        assert words.term_set(tokens) == frozenset(words.tally(Counter(tokens))[0])


def test_wrap_space_patterns_match_where_their_plain_lookbehind_forms_do():
    import re

    from zhnews.transforms.cleaners.wrap_spaces import _CJK, SPLIT_NUMBER, WRAP_SPACE

    plain_space = re.compile(
        rf"(?:(?<=[{_CJK}])|(?<=[\u4e00-\u9fff][,.;:!?\"'()])) (?=[{_CJK}])"
        rf"|(?<=[{_CJK}]) (?=\d|[,.;:!?)](?:[\u4e00-\u9fff]|$))|(?<=\d) (?=[{_CJK}])"
    )
    plain_number = re.compile(rf"(?<=[{_CJK}])(\d+\.?\d*) (\.?\d+(?:\.\d+)?)(?=[{_CJK}%])")
    rng = random.Random(11)
    alphabet = ["中", "文", " ", "  ", "a", "1", "23", ",", ".", ")", "(", "“", "。", "\u3000", "：", '"', "\n", "%"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert WRAP_SPACE.subn("", text) == plain_space.subn("", text), text
        assert SPLIT_NUMBER.subn(r"\1\2", text) == plain_number.subn(r"\1\2", text), text


def test_a_line_ends_in_an_ellipsis_exactly_when_the_truncation_pattern_finds_one():
    from zhnews.transforms.cleaners.truncation import _ELLIPSES, _TRAILING_ELLIPSIS

    rng = random.Random(5)
    alphabet = ["中", ".", "..", "…", " ", "\u3000", "\t", "\n", "a", "。"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert text.rstrip().endswith(_ELLIPSES) == (_TRAILING_ELLIPSIS.search(text) is not None), repr(text)
