"""Page kinds, as generic rules: flash feeds, query echoes in listing headers, account cards, relative
dates in article headers, pages saved twice, comment sections, headlines that open with a date,
press-conference transcripts, social posts written without full stops.

`SAVED` (when the test pages were saved) and `at` are shared with the other behaviour files."""

import datetime as dt

from zhnews.transforms.cleaners.metadata_lines import metadata_pairs
from zhnews.transforms.normalize.dates import BEIJING

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


def test_dumps_with_the_same_profiles_and_possible_rules_share_one_rulebook_and_its_verdicts(profiles):
    one = profiles.rulebook_for(["打开网易新闻 查看精彩图片", "第一篇正文。"], only_possible=True)
    other = profiles.rulebook_for(["打开网易新闻 查看精彩图片", "另一篇正文。"], only_possible=True)
    assert one is other and one.removes("打开网易新闻 查看精彩图片") and not one.removes("第一篇正文。")
    assert other.verdicts["打开网易新闻 查看精彩图片"] is True and other.verdicts["第一篇正文。"] is False
    plain = profiles.rulebook_for(["第一篇正文。"], only_possible=True)
    assert plain is not one and plain.remove != one.remove


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


def test_a_date_line_with_labels_glued_to_the_date_is_still_the_date_line(processor):
    page = "新法案获通过\n2025年11月25日 14:32来源：中国新闻网 责任编辑：张三\n议会周四通过一项修正案。\n法案预计明年初生效。"
    doc = processor.process(page, SAVED).documents[0]
    assert (doc.title, doc.source, doc.published_at) == ("新法案获通过", "中国新闻网", at("2025-11-25 14:32"))


THREAD = """论坛首页 > 读书版 > 书评
关于旧书摊的一点回忆
老周
小时候每到周末，我都会跟着父亲去城南的旧书摊，一排排摊位摆满了发黄的杂志和连环画。
那时候一本连环画只要几分钱，我常常蹲在摊前看上一个下午，摊主也从不赶人。
后来城市改造，旧书摊搬到了郊外，去的人越来越少，如今已经很难再找到那样的地方了。
------------------------------
〓 读书版 书评 发布时间 2005/03/15 22:36:13 by 老周 〓
← 返回
写得真好
小李
我也想起了小时候在书摊前看书的日子，真怀念那时的慢生活。
------------------------------
〓 读书版 书评 发布时间 2005/03/16 08:02:45 by 小李 〓
← 返回"""


def test_a_posts_stamp_below_its_text_closes_it_and_the_replies_below_are_not_the_article(processor):
    doc = processor.process(THREAD, SAVED).documents[0]
    assert doc.title == "关于旧书摊的一点回忆"
    assert doc.published_at == at("2005-03-15 22:36:13")
    assert doc.body.startswith("小时候每到周末") and doc.body.endswith("很难再找到那样的地方了。")
    assert "怀念" not in doc.body and "写得真好" not in doc.body


LEDE_ABOVE_DATE = """新闻
德国
议会通过新的职业培训法案
议会周四通过一项职业培训法案修正案，计划在未来两年内将培训名额提高约三成。
2025年11月20日
议会周四以多数票通过修正案。根据新规，培训机构将获得更多经费，学员等待时间将缩短。
部长在辩论中表示，培训是进入劳动力市场的关键，每一个等待的月份都是损失。
反对党议员则批评，法案对培训教师的待遇着墨不多，行业协会估计缺少数千名教师。
相关内容
欧盟庇护制度改革进入落实阶段"""


def test_a_date_line_under_a_lede_that_no_other_line_repeats_does_not_end_the_text(processor):
    doc = processor.process(LEDE_ABOVE_DATE, SAVED).documents[0]
    assert doc.published_at == at("2025-11-20 00:00")
    assert "每一个等待的月份都是损失" in doc.body and "缺少数千名教师" in doc.body
