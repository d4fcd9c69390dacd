"""Outlets: interface spellings resolve to the outlet's Chinese name via a user-extensible table; and which
outlet a document is credited to (a listed outlet before the date, the site's logo among the first lines,
a reporter credit)."""

import pytest
from zhnews.transforms.normalize.outlets import OutletResolver

from tests.transforms.test_page_kinds import SAVED, TRANSCRIPT, at


@pytest.fixture(scope="module")
def resolver(profiles):
    return OutletResolver(profiles.outlet_aliases())


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Xin Lang Cai Jing", "新浪财经"),
        ("Huan Qiu Shi Bao", "环球时报"),
        ("Yang Shi Xin Wen Ke Hu Duan", "央视新闻客户端"),
        ("xinlang caijing", "新浪财经"),
        ("Peng Pai Xin Wen", "澎湃新闻"),
        ("Global Times", "环球时报"),
        ("证券时报", "证券时报"),
    ],
)
def test_known_outlets_resolve_from_pinyin_english_or_chinese(resolver, raw, name):
    assert resolver.resolve(raw) == (name, True)


def test_unknown_chinese_outlet_is_kept_as_written(resolver):
    assert resolver.resolve("某某县融媒体中心") == ("某某县融媒体中心", True)


def test_unknown_latin_outlet_is_kept_raw_and_reported_unresolved(resolver):
    assert resolver.resolve("Mou Mou Ri Bao Xyz") == ("Mou Mou Ri Bao Xyz", False)


def test_pinyin_is_derived_for_any_name_added_to_the_table():
    resolver = OutletResolver({"潇湘晨报": "潇湘晨报", "HK01": "香港01"})
    assert resolver.resolve("Xiao Xiang Chen Bao") == ("潇湘晨报", True)
    assert resolver.resolve("hk01") == ("香港01", True)


def test_an_outlet_printed_before_the_date_is_credited_only_when_it_is_a_listed_outlet(processor):
    text = "光伏企业亏损收窄\n{who} 2025-11-25 22:10:31\n随着三季报披露完毕，行业经营状况逐渐清晰。\n亏损收窄主要得益于价格企稳。"
    (doc,) = processor.process(text.format(who="每日经济新闻"), SAVED).documents
    assert doc.source == "每日经济新闻"
    (doc,) = processor.process(text.format(who="李晓舟"), SAVED).documents
    assert doc.source is None


def test_the_dumps_first_line_names_the_outlet_when_it_is_a_listed_one_and_nothing_else_does(processor):
    body = "\n首页\n美联储会议纪要公布\n李晓舟\n2025-11-20 03:12\n多数官员认为12月降息可能是合适的。\n市场押注降息的概率上升。"
    assert processor.process("华尔街见闻" + body, SAVED).documents[0].source == "华尔街见闻"
    assert processor.process("明報新聞網" + body, SAVED).documents[0].source == "明報"
    assert processor.process("某某论坛" + body, SAVED).documents[0].source is None


def test_a_sites_own_name_among_its_first_lines_is_its_outlet(processor):
    assert processor.process(TRANSCRIPT, SAVED).documents[0].source == "中华人民共和国外交部"
    page = "跳转至内容\n跳转至主导航\nDW 中文\n德国之声\n德国\n议会通过新法案\n2025年11月20日\n联邦议院周四通过一项修正案。\n法案预计明年初生效。"
    assert processor.process(page, SAVED).documents[0].source == "德国之声"


def test_the_outlet_of_a_reporter_credit_wins_over_a_follow_button_above_it(processor):
    page = (
        "某报\n打开某报APP\n北京供暖首周报修量同比下降12% 老旧小区试点室温监测\n新京报记者 陈晨 编辑 刘梦\n"
        "2025-11-26 08:15\n关注\n分享\n供暖首周热力集团共接到用户报修1.8万件，同比下降12%。\n"
        "热力集团提醒，用户如发现室温不达标，可拨打热线报修。"
    )
    doc = processor.process(page, SAVED).documents[0]
    assert doc.source == "新京报"
    assert doc.published_at == at("2025-11-26 08:15")
