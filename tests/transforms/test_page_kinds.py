"""Page kinds of the third blind round (tests/fixtures/holdout3) and the leftovers of the second,
as generic rules: flash feeds, query echoes in listing headers, account cards, relative dates in
article headers, outlets before the date, the site's logo as its outlet, pages saved twice."""

import datetime as dt

from zhnews.transforms.cleaners.metadata_lines import metadata_pairs
from zhnews.transforms.normalize.dates import BEIJING, find_datetime

SAVED = dt.datetime(2025, 11, 26, 15, 30, tzinfo=BEIJING)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


FEED = """快讯中心
首页
7x24直播
2025年11月26日 星期三
15:21:36
【某部门：前10月工业利润同比增长3.1%】数据显示，前10月工业企业实现利润总额5.98万亿元，同比增长3.1%。
收藏
分享
15:08
沪深两市成交额连续第五个交易日突破1.5万亿元，全市场超3600只个股上涨。
收藏
分享
11月25日 星期二
21:47:19
【欧盟拟对进口钢材加征关税】欧盟委员会正在讨论削减部分钢材产品的进口配额，最终方案有望明年初公布。
收藏
分享
加载更多"""


def test_a_flash_feed_gives_one_document_per_timed_item_dated_by_the_day_header_above(processor):
    extract = processor.process(FEED, SAVED)
    assert extract.layout == "flash_feed"
    docs = extract.documents
    assert [d.title for d in docs] == ["某部门：前10月工业利润同比增长3.1%", None, "欧盟拟对进口钢材加征关税"]
    assert [d.published_at for d in docs] == [
        at("2025-11-26 15:21:36"),
        at("2025-11-26 15:08"),
        at("2025-11-25 21:47:19"),
    ]
    assert docs[0].body == "数据显示，前10月工业企业实现利润总额5.98万亿元，同比增长3.1%。"
    assert all("收藏" not in d.body and "分享" not in d.body and "加载更多" not in d.body for d in docs)
    assert docs[1].body.startswith("沪深两市成交额")


def test_a_few_time_stamps_in_an_article_do_not_make_it_a_feed(processor):
    text = "会议日程公布\n2025-11-20 10:00\n大会将于明日开幕，议程如下。\n09:30\n开幕式在主会场举行，持续约一小时。\n各分论坛下午举行。"
    assert processor.process(text, SAVED).layout == "portal_article"


SOGOU_HEADER = """搜狗搜索
网页
微信
新能源汽车下乡
搜文章
搜账号
搜狗已为您找到约8,426条相关结果
全部时间
比亚迪等车企加码县域市场
多家车企将渠道下沉至县城和乡镇...
汽车产经观察  3小时前
下乡车型目录发布
下乡车型目录共包含124款车型...
新能源汽车网  11月18日"""


def test_a_listings_topic_is_the_query_above_the_search_button_not_the_site_logo(processor):
    extract = processor.process(SOGOU_HEADER, SAVED)
    assert {d.topic for d in extract.documents} == {"新能源汽车下乡"}
    rules = {r.text: r.rule for r in extract.removed}
    assert rules["搜狗已为您找到约8,426条相关结果"] == "result_count"
    assert rules["搜文章"] == "listing_chrome"
    assert [d.published_at for d in extract.documents] == [at("2025-11-26 12:30"), at("2025-11-18 00:00")]


def test_a_result_count_line_is_never_the_topic(processor):
    text = "百度为您找到相关结果约1,230个\n城市更新\n老旧小区改造提速\n多地加快改造...\n新华网  2025年12月2日\n管网更新\n全年完成改造...\n人民网  2025年12月1日"
    assert {d.topic for d in processor.process(text, SAVED).documents} == {"城市更新"}


def test_a_comment_count_between_outlet_and_date_is_not_part_of_the_listing_meta_line(processor):
    text = "城市更新\n搜索\n多地加快地下管网改造\n要求各地统筹推进管网改造...\n新京报  128条评论  2小时前\n燃气管道改造提速\n今年已完成超万公里...\n中国新闻网  36条评论  5小时前"
    docs = processor.process(text, SAVED).documents
    assert [(d.source, d.published_at) for d in docs] == [
        ("新京报", at("2025-11-26 13:30")),
        ("中国新闻网", at("2025-11-26 10:30")),
    ]
    assert docs[0].topic == "城市更新"


def test_a_source_labelled_date_line_is_an_article_header_not_a_listing_meta_line(processor):
    page = "资讯 > 国内\n深圳揭牌低空经济试验区\n来源：中国日报网 2025-11-25 16:42\n试验区将围绕无人机物流等场景先行先试。\n目前已有40余家企业签约入驻。\n"
    extract = processor.process(page + page, SAVED)
    assert extract.layout == "portal_article"
    (doc,) = extract.documents  # the same page saved twice is one document
    assert (doc.title, doc.source) == ("深圳揭牌低空经济试验区", "中国日报网")
    assert sum(r.rule == "repeated_copy" for r in extract.removed) == 2


WEIBO = """冬季流感高峰将至，这几点防护建议请收好
头条文章
健康科普君
+关注
{date} 发布于 北京
进入11月以来，不少地方的医院呼吸科门诊量明显上升。
接种流感疫苗是预防流感最经济、最有效的手段。"""


def test_an_account_card_between_title_and_date_is_the_account_not_the_author(processor):
    (doc,) = processor.process(WEIBO.format(date="2025-11-20 09:30"), SAVED).documents
    assert (doc.source, doc.author) == ("健康科普君", None)


def test_an_article_header_may_carry_a_relative_or_year_less_date(processor):
    for stamp, expected in (
        ("3小时前", "2025-11-26 12:30"),
        ("昨天 16:20", "2025-11-25 16:20"),
        ("11-25 21:36", "2025-11-25 21:36"),
    ):
        extract = processor.process(WEIBO.format(date=stamp), SAVED)
        assert extract.layout == "portal_article"
        (doc,) = extract.documents
        assert (doc.title, doc.published_at) == ("冬季流感高峰将至，这几点防护建议请收好", at(expected)), stamp


def test_a_full_date_line_is_preferred_to_a_year_less_one_above_it(processor):
    text = "首页\n11月26日 星期三\n某市发布冬季供暖方案\n2025-11-20 09:30\n今年供暖季将提前一周开始。\n热力企业已完成管网巡检。"
    (doc,) = processor.process(text, SAVED).documents
    assert doc.published_at == at("2025-11-20 09:30")


def test_a_month_day_stamp_needs_a_time_to_be_a_date():
    assert find_datetime("11-25 21:36", SAVED)[0] == at("2025-11-25 21:36")
    assert find_datetime("比分 3-1", SAVED) is None
    assert find_datetime("11-25 21:36") is None  # no saving time, no year


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


def test_a_credit_label_may_carry_the_outlets_short_name():
    assert metadata_pairs("每经记者：赵子航    每经编辑：孙丽娟") == [("author", "赵子航"), ("editor", "孙丽娟")]


def test_comment_sections_replies_and_page_widgets_are_not_the_article(processor):
    text = """价投老周
关注
发布于11-25 21:36 · 来自雪球
从三季报看白酒行业
白酒板块三季报已经全部披露完毕，行业仍处在去库存阶段。
【字号 大 中 小】 【我要打印】 【关闭】
仓位上我会继续持有头部公司，耐心等待基本面拐点。
$贵州茅台(SH600519)$ $五粮液(SZ000858)$
全部评论
股海拾贝
分析得很到位，不过我觉得明年春节旺季的动销情况才是关键。
11-25 22:04 · 来自雪球"""
    (doc,) = processor.process(text, SAVED).documents
    assert (doc.title, doc.source, doc.published_at) == ("从三季报看白酒行业", "价投老周", at("2025-11-25 21:36"))
    assert (
        doc.body
        == "白酒板块三季报已经全部披露完毕，行业仍处在去库存阶段。\n仓位上我会继续持有头部公司，耐心等待基本面拐点。"
    )


def test_a_dumps_rulebook_keeps_only_the_removal_rules_that_can_match_it_with_the_same_verdicts(profiles):
    lines = ["打开网易新闻 查看精彩图片", "正文一段。", "Copyright © 2025 某网", "网易号"]
    full, narrow = profiles.rulebook_for(lines), profiles.rulebook_for(lines, only_possible=True)
    assert full.profiles == narrow.profiles and len(narrow.remove) < len(full.remove)
    assert (
        [full.removes(line) for line in lines] == [narrow.removes(line) for line in lines] == [True, False, True, False]
    )
