"""Page kinds of the fourth blind round (tests/fixtures/holdout4), as generic rules: weekdays in
brackets, year-less stamps after a publication label, headlines that open with a date, press-conference
transcripts, social posts written without full stops, site-footer lines, the logo below skip links."""

import datetime as dt

from zhnews.transforms.cleaners.metadata_lines import metadata_pairs
from zhnews.transforms.cleaners.trailing_chrome import is_chrome_line
from zhnews.transforms.normalize.dates import BEIJING, find_datetime

SAVED = dt.datetime(2025, 11, 26, 9, 30, tzinfo=BEIJING)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def test_a_weekday_in_brackets_between_date_and_time_keeps_the_time():
    assert find_datetime("2025年11月25日(星期二) 14:32")[0] == at("2025-11-25 14:32")
    assert find_datetime("2025年11月25日（週二） 14:32")[0] == at("2025-11-25 14:32")


def test_a_bare_month_day_is_a_date_only_after_a_publication_label():
    assert find_datetime("编辑于 11-23 浙江", SAVED)[0] == at("2025-11-23 00:00")
    assert find_datetime("编辑于 12-28", SAVED)[0] == at("2024-12-28 00:00")  # no future dates
    assert find_datetime("11-23", SAVED) is None
    assert find_datetime("比分3-1", SAVED) is None


TRANSCRIPT = """中华人民共和国外交部
首页
首页 > 外交部发言人表态 > 例行记者会
2025年11月25日外交部发言人林华主持例行记者会
2025-11-25 19:05

　　林华：今天我没有需要发布的消息。下面，我愿回答大家的提问。

　　法新社记者：据报道，有关会议将于下月举行。中方是否会派代表出席？

　　林华：关于具体出席安排，我们会适时发布消息。

　　路透社记者：中方对此有何回应？

　　林华：中方一贯欢迎各国人员来华旅游、经商和学习。

分享到：
【打印】
【关闭】
京ICP备05004646号 京公网安备11010102000001号"""


def test_a_headline_that_opens_with_a_date_is_the_title_and_the_date_line_below_it_the_date(processor):
    doc = processor.process(TRANSCRIPT, SAVED).documents[0]
    assert doc.title == "2025年11月25日外交部发言人林华主持例行记者会"
    assert doc.published_at == at("2025-11-25 19:05")


def test_a_transcripts_questions_are_body_not_reporter_credits(processor):
    assert metadata_pairs("路透社记者：中方对此有何回应？") is None
    assert metadata_pairs("彭博社记者：据报道，会议将于下月举行。中方是否出席？") is None
    assert metadata_pairs("每经记者：赵子航") == [("author", "赵子航")]  # a credit still is one
    assert metadata_pairs("原标题：油价还会涨吗？") == [("origin_title", "油价还会涨吗？")]
    doc = processor.process(TRANSCRIPT, SAVED).documents[0]
    assert "法新社记者：据报道" in doc.body and "路透社记者：中方对此有何回应？" in doc.body
    assert doc.body.endswith("中方一贯欢迎各国人员来华旅游、经商和学习。")  # share/print widgets, ICP line gone


def test_a_sites_own_name_among_its_first_lines_is_its_outlet(processor):
    assert processor.process(TRANSCRIPT, SAVED).documents[0].source == "中华人民共和国外交部"
    page = "跳转至内容\n跳转至主导航\nDW 中文\n德国之声\n德国\n议会通过新法案\n2025年11月20日\n联邦议院周四通过一项修正案。\n法案预计明年初生效。"
    assert processor.process(page, SAVED).documents[0].source == "德国之声"


NOTE = """小红书
发现
发布
周末去哪儿了
关注
杭州周边小众古镇｜人少景美，周末一日游攻略
上周末去了趟杭州西边的一个小古镇，没想到人这么少！整条老街走下来不到一个小时
📍交通：从杭州西站坐高铁20分钟，出站打车15分钟就到
🍜吃的：镇口那家馄饨店开了三十多年，一碗12块，汤头超鲜
总体来说很适合不想挤人的姐妹们，拍照也很出片～
#杭州周边游 #小众古镇 #周末去哪儿
编辑于 11-23 浙江
共 48 条评论
小鱼干不吃鱼
请问停车方便吗？
11-24 江苏
回复
说点什么...
2386"""


def test_a_social_note_without_full_stops_is_an_article_dated_by_the_stamp_after_it(processor):
    extract = processor.process(NOTE, SAVED)
    assert extract.layout == "portal_article"
    doc = extract.documents[0]
    assert (doc.title, doc.source, doc.published_at) == (
        "杭州周边小众古镇｜人少景美，周末一日游攻略",
        "周末去哪儿了",
        at("2025-11-23 00:00"),
    )
    assert doc.body.startswith("上周末去了趟") and doc.body.endswith("拍照也很出片～")
    assert "杭州周边游" not in doc.body and "停车" not in doc.body and "2386" not in doc.body


def test_trailing_widgets_are_short_lines_but_a_posts_clauses_are_not():
    assert is_chrome_line("分享到：") and is_chrome_line("阅读 1,234,567") and is_chrome_line("评论 0")
    assert is_chrome_line("新浪财经免责声明：本页面内容均来源于第三方，不构成投资建议")
    assert not is_chrome_line("🍜吃的：镇口那家馄饨店开了三十多年，一碗12块，汤头超鲜")
    assert not is_chrome_line("拍照也很出片～")


def test_copyright_years_glued_to_nian_and_site_registration_lines_are_boilerplate(processor):
    page = (
        "某网\n新法案获通过\n2025-11-20 10:00\n议会周四通过一项修正案。\n法案预计明年初生效。\n"
        "© 2025年某网版权声明：本文所有内容受著作权法保护，如未获得特别授权，请勿使用。\n京ICP备12345678号"
    )
    doc = processor.process(page, SAVED).documents[0]
    assert doc.body == "议会周四通过一项修正案。\n法案预计明年初生效。"


def test_a_date_line_with_labels_glued_to_the_date_is_still_the_date_line(processor):
    page = "新法案获通过\n2025年11月25日 14:32来源：中国新闻网 责任编辑：张三\n议会周四通过一项修正案。\n法案预计明年初生效。"
    doc = processor.process(page, SAVED).documents[0]
    assert (doc.title, doc.source, doc.published_at) == ("新法案获通过", "中国新闻网", at("2025-11-25 14:32"))
