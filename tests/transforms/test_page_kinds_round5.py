"""Page kinds of the fifth blind round (tests/fixtures/holdout5), as generic rules: a 12-hour clock
with its half of the day, reporter credits that name their outlet or several roles, platform
disclaimers and ad labels, `最後更新：` lines."""

import datetime as dt

from zhnews.transforms.cleaners.metadata_lines import byline_names, byline_outlet, metadata_pairs
from zhnews.transforms.normalize.dates import BEIJING, find_datetime

SAVED = dt.datetime(2025, 11, 27, 10, 0, tzinfo=BEIJING)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def test_a_12_hour_clock_reads_its_half_of_the_day():
    assert find_datetime("2025年11月25日 週二 下午2:32")[0] == at("2025-11-25 14:32")
    assert find_datetime("2025年11月25日 上午9:05")[0] == at("2025-11-25 09:05")
    assert find_datetime("2025年11月25日 晚上8:10")[0] == at("2025-11-25 20:10")
    assert find_datetime("2025年11月25日 下午12:30")[0] == at("2025-11-25 12:30")
    assert find_datetime("2025-11-25 14:32")[0] == at("2025-11-25 14:32")


def test_a_reporter_credit_names_its_outlet_but_not_its_desk():
    assert byline_outlet("新京报记者 陈晨 编辑 刘梦 校对 张彦君") == "新京报"
    assert byline_outlet("本报记者 孙晓明") is None
    assert byline_outlet("记者 王磊") is None
    assert byline_outlet("新京报讯（记者 陈晨）11月15日北京正式供暖以来。") is None


def test_a_credit_of_several_roles_is_one_byline():
    assert byline_names("南方周末记者 周屿 南方周末实习生 林可") is not None
    assert byline_names("县城咖啡馆的第三个冬天") is None


def test_a_last_update_line_is_metadata():
    assert metadata_pairs("最後更新：2025/11/25 16:05") == [("updated", "2025/11/25 16:05")]
    assert metadata_pairs("最后更新：2025-11-25 16:05") == [("updated", "2025-11-25 16:05")]


def test_the_outlet_of_a_reporter_credit_wins_over_a_follow_button_above_it(processor):
    page = (
        "某报\n打开某报APP\n北京供暖首周报修量同比下降12% 老旧小区试点室温监测\n新京报记者 陈晨 编辑 刘梦\n"
        "2025-11-26 08:15\n关注\n分享\n供暖首周热力集团共接到用户报修1.8万件，同比下降12%。\n"
        "热力集团提醒，用户如发现室温不达标，可拨打热线报修。"
    )
    doc = processor.process(page, SAVED).documents[0]
    assert doc.source == "新京报"
    assert doc.published_at == at("2025-11-26 08:15")


def test_platform_disclaimers_and_ad_labels_are_boilerplate(processor):
    page = (
        "某平台\n某号\n关注\n社区菜场蔬菜角火了 每天早上开卖\n某号\n2025-11-25 17:12 上海\n"
        "每天早上7点开卖，不到两个小时就卖完了。\n广告\n街道计划明年再开两个类似的蔬菜角。\n"
        "本文为某号作者或机构在某平台上传并发布，仅代表该作者或机构观点，不代表某平台的观点或立场。"
    )
    doc = processor.process(page, SAVED).documents[0]
    assert doc.body == "每天早上7点开卖，不到两个小时就卖完了。\n街道计划明年再开两个类似的蔬菜角。"
