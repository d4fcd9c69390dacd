"""Segmentation: names stay whole, the fast engine cuts exactly like jieba, keywords follow jieba's TF-IDF."""

import logging
import os
import pickle
import subprocess
import sys

import jieba
import jieba.analyse
import pytest
from zhnews.flows.config import load_segmenter
from zhnews.transforms.profiles import BUILTIN_DIR
from zhnews.transforms.segment import (
    DictEntry,
    IdfTable,
    Segmenter,
    analyse_text,
    parse_synonyms,
    parse_user_dict,
    parse_word_list,
)

from bench.synth import Writer
from tests.conftest import SAMPLES

SHIPPED = parse_user_dict((BUILTIN_DIR / "userdict.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["rjieba", "jieba"])
def segmenter(request):
    return load_segmenter((), request.param)


@pytest.fixture(scope="module")
def both():
    return load_segmenter((), "rjieba"), load_segmenter((), "jieba")


def seed_lines():
    for path in sorted(SAMPLES.glob("*.txt")):
        yield from path.read_text(encoding="utf-8").splitlines()


def synthetic_lines(dumps=60):
    writer = Writer(seed=7)
    for i in range(dumps):
        yield from writer.any_dump(i).text.splitlines()


def test_the_shipped_dictionary_is_broad():
    tags = {e.tag for e in SHIPPED}
    assert len(SHIPPED) >= 250 and {"nr", "ns", "nt", "nz"} <= tags
    words = {e.word for e in SHIPPED}
    assert {"高市早苗", "石破茂", "特朗普", "日美同盟", "美日同盟", "北约", "吕特", "延伸威慑"} <= words


def test_every_user_dictionary_name_is_one_token_in_running_text(segmenter):
    for entry in SHIPPED:
        tokens = segmenter.cut(f"据报道，{entry.word}今天表示")
        assert entry.word in tokens, (entry.word, tokens)


def test_names_news_keeps_using_are_single_terms(segmenter):
    text = "日本首相高市早苗与特朗普通话，北约秘书长吕特强调日美同盟；石破茂谈美日同盟。"
    terms = segmenter.terms(text)
    for name in ("高市早苗", "特朗普", "北约", "吕特", "日美同盟", "石破茂", "美日同盟"):
        assert name in terms
    assert "高市" not in terms and "早苗" not in terms


def test_rjieba_cuts_every_seed_line_exactly_like_jieba(both):
    fast, reference = both
    lines = [line for line in seed_lines() if line.strip()]
    assert len(lines) > 100
    different = [line for line in lines if fast.cut(line) != reference.cut(line)]
    assert different == []


def test_rjieba_cuts_generated_dumps_exactly_like_jieba(both):
    fast, reference = both
    lines = [line for line in synthetic_lines() if line.strip()]
    assert len(lines) > 1000
    different = [line for line in lines if fast.cut(line) != reference.cut(line)]
    assert different == []


def test_user_words_added_from_a_profiles_folder_are_used_by_both_engines(tmp_path):
    (tmp_path / "userdict-mine.txt").write_text("# my names\n卡拉卡拉斯基 5 nr\n蓝海湾联盟 nt\n", encoding="utf-8")
    (tmp_path / "stopwords-mine.txt").write_text("据悉\n", encoding="utf-8")
    text = "据悉，卡拉卡拉斯基访问蓝海湾联盟总部。"
    results = []
    for engine in ("rjieba", "jieba"):
        terms = load_segmenter([tmp_path], engine).terms(text)
        assert "卡拉卡拉斯基" in terms and "蓝海湾联盟" in terms and "据悉" not in terms
        results.append(terms)
    assert results[0] == results[1]
    assert "卡拉卡拉斯基" not in load_segmenter((), "rjieba").terms(text)


def test_terms_drop_stopwords_and_punctuation_and_fold_case(segmenter):
    terms = segmenter.terms("特朗普表示，NATO的盟友“必须”增加军费！")
    assert "的" not in terms and "，" not in terms and "“" not in terms and "！" not in terms
    assert "nato" in terms and "NATO" not in terms


def test_analyse_text_counts_title_and_body_and_marks_title_terms(segmenter):
    result = analyse_text(segmenter, "北约秘书长致电高市早苗", "高市早苗表示欢迎。北约将加强合作，北约盟友支持。")
    assert result.tf["北约"] == 3 and result.tf["高市早苗"] == 2
    assert "北约" in result.in_title and "欢迎" not in result.in_title
    assert result.term_count == sum(result.tf.values())
    assert result.keywords[0].rank == 1 and {k.keyword for k in result.keywords} >= {"北约", "高市早苗"}


def test_keywords_use_jieba_analyse_tfidf_formula_and_idf_table(both):
    fast, _ = both
    tokenizer = jieba.Tokenizer()
    jieba.setLogLevel(logging.WARNING)
    for entry in SHIPPED:
        tokenizer.add_word(entry.word, entry.freq, entry.tag)
    reference = jieba.analyse.TFIDF()
    reference.stop_words = set(fast.stopwords)

    class WithoutNumbers:  # jieba's extractor, fed the same tokens our keyword rule considers
        def cut(self, text):
            return [t for t in tokenizer.lcut(text, HMM=False) if any(c.isalpha() for c in t)]

    reference.tokenizer = WithoutNumbers()
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        ours = [(k.keyword, round(k.weight, 9)) for k in fast.keywords(fast.cut(text), top=15)]
        theirs = [(w, round(x, 9)) for w, x in reference.extract_tags(text, topK=15, withWeight=True)]
        assert ours == theirs


def test_user_dictionary_lines_parse_like_jieba_and_bad_lines_are_reported():
    entries = parse_user_dict("高市早苗 nr\n北约 1200\n云计算 5 n\n# comment\n\n石破茂  # trailing comment\n")
    assert entries == [
        DictEntry("高市早苗", None, "nr"),
        DictEntry("北约", 1200, None),
        DictEntry("云计算", 5, "n"),
        DictEntry("石破茂", None, None),
    ]
    with pytest.raises(ValueError, match=r"mine\.txt:1"):
        parse_user_dict("高市早苗 5 nr extra\n", "mine.txt")
    assert parse_word_list("的\n# c\n了\n") == ["的", "了"]


def test_an_unknown_engine_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown segmentation engine"):
        Segmenter("hanlp")


def test_synonym_tables_group_spellings_and_extra_folders_extend_them(tmp_path):
    from zhnews.flows.config import load_synonyms

    assert parse_synonyms("# c\n日美同盟\t美日同盟\nG7\t七国集团\n孤单\n") == [
        ("日美同盟", "美日同盟"),
        ("g7", "七国集团"),
    ]
    (tmp_path / "synonyms-mine.tsv").write_text("美日同盟\t美日安保体制\n", encoding="utf-8")
    concepts = load_synonyms([tmp_path])
    assert concepts["日美同盟"] == concepts["美日安保体制"] == ("日美同盟", "美日同盟", "美日安保体制")


def test_every_synonym_is_a_single_term(both):
    from zhnews.flows.config import load_synonyms

    fast, _ = both
    for word in load_synonyms():
        assert fast.terms(word) == [word], word


def test_the_idf_table_looks_words_up_as_the_dict_it_was_made_of():
    table = {"北约": 2.5, "日本": 1.25, "欢迎": 4.0, "a": 0.5}
    idf = IdfTable(table)
    words = ["北约", "未知词", "a", "欢迎", "", "日本", "北约"]
    assert idf.lookup(words, 9.0).tolist() == [table.get(w, 9.0) for w in words]
    assert idf.median == sorted(table.values())[len(table) // 2] and len(idf) == 4
    assert IdfTable().lookup(["北约"], 1.0).tolist() == [1.0] and IdfTable().median == 1.0


def test_an_idf_table_sent_to_another_process_finds_its_words_there():
    """Words are found by `hash`, which differs between processes: unpickling rebuilds the table."""
    code = "import pickle, sys; print(pickle.loads(sys.stdin.buffer.read()).lookup(['北约', '无'], 0.0).tolist())"
    sent = pickle.dumps(IdfTable({"北约": 2.5, "日本": 1.25}))
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", code], input=sent, capture_output=True, env=env, check=True)
    assert out.stdout.decode().strip() == "[2.5, 0.0]"


def test_the_idf_of_tokens_is_the_tables_and_stays_so_once_remembered():
    words = Segmenter("rjieba", idf={"北约": 2.5, "日本": 1.25, "欢迎": 4.0})
    tokens = ["北约", "未知词", "日本"]
    assert words.idf_of(tokens).tolist() == [2.5, 2.5, 1.25]  # the median for a word not in the table
    assert words.idf_of(["日本", "北约", "又一个"]).tolist() == [1.25, 2.5, 2.5]
