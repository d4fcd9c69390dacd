"""Outlets: interface spellings resolve to the outlet's Chinese name via a user-extensible table."""

import pytest
from zhnews.transforms.normalize.outlets import OutletResolver


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
