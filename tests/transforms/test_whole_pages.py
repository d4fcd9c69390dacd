"""Whole pages copied from a browser: the article is found by the page's structure.

Each page here is built from the parts real pages have (navigation menus, breadcrumbs, share
widgets, comment threads, feeds, footers) around an article, so the tests say what the structure
rules do without depending on any one site's words.
"""

import datetime as dt

import pytest
from zhnews.transforms.cleaners.metadata_lines import metadata_pairs
from zhnews.transforms.layouts.main_text import line_weight, main_text
from zhnews.transforms.normalize.dates import BEIJING

SAVED = dt.datetime(2019, 9, 8, 12, 0, tzinfo=BEIJING)
NAVIGATION = "\n".join(f"栏目{i}" for i in range(150))  # a drop-down menu the page's CSS no longer hides
PARAGRAPHS = [
    "2019年，这家公司即将迎来上市十周年。十年前带领公司成功上市的创始人，在前不久召开的中期业绩会上表示，公司将继续稳健经营。",
    "近日，公司公布了2019年中期业绩报告。上半年，公司实现合约销售金额1200亿元，同比增长百分之二十，增速在行业中名列前茅。",
    "然而，在这份亮丽的成绩单背后，公司的盈利能力却在走下坡路，其上半年的毛利率较去年同期下降了三个百分点，引发市场关注。",
]
COMMENTS = """网友评论仅供其表达个人看法
往事随风[山东省德州市网友]2019-09-07 17:51
房地产公司的日子都不好过了，这一点从财报上就能看得很清楚。
+1顶67
|回复
|分享
抽烟听雨[四川省成都市网友]2019-09-07 22:44:09
所谓的精装修就是一个坑，交房的时候才知道问题有多少。
+1顶0
|回复
|分享"""


FOOTER = "© 1997-2019 某某网 版权所有"


def page(header: str, paragraphs: list[str] = PARAGRAPHS, after: str = COMMENTS, footer: str = FOOTER) -> str:
    return "\n".join([NAVIGATION, header, "分享到：", "微信", "微博", "", *paragraphs, after, footer])


def only_document(processor, text: str):
    (doc,) = processor.process(text, SAVED).documents
    return doc


# --- the article text: the densest run of prose lines -----------------------------------------


def test_prose_lines_weigh_for_the_article_and_short_link_lines_against_it():
    assert line_weight(PARAGRAPHS[0]) > 0
    assert line_weight("栏目12") < 0 and line_weight("+1顶67") < 0
    assert 0 < line_weight("日本冲绳、八重山诸岛、宫古岛以及越南岘港") < line_weight(PARAGRAPHS[0])


def test_the_article_text_is_the_run_of_paragraphs_with_its_subheads_not_the_menus_around_it():
    texts = [
        *(f"栏目{i}" for i in range(40)),
        PARAGRAPHS[0],
        "业绩会突现业主维权插曲",
        *PARAGRAPHS[1:],
        *("热点", "更多") * 5,
    ]
    block = main_text(texts)
    assert (block.start, block.end) == (40, 43)


def test_a_comment_thread_below_the_article_is_not_part_of_its_text():
    texts = [*PARAGRAPHS, "分享到：", "微信", "微博", "QQ空间", *COMMENTS.split("\n")]
    assert main_text(texts).end == len(PARAGRAPHS) - 1


def test_of_two_articles_in_one_dump_the_first_is_taken_though_the_second_is_longer():
    texts = [PARAGRAPHS[0], PARAGRAPHS[1], "上一篇", "下一篇", "标题二", "2019-09-08", *PARAGRAPHS, *PARAGRAPHS]
    assert main_text(texts).start == 0


def test_a_page_without_a_paragraph_has_no_article_text():
    assert main_text(["首页", "新闻", "体育", "人少景美，周末一日游攻略"]) is None


# --- the header: behind the navigation, right above the article ---------------------------------


def test_the_header_is_found_behind_a_long_navigation_and_the_comment_thread_is_dropped(processor):
    doc = only_document(
        processor, page("多地项目连环爆雷 这家公司的暗伤曝露？\n2019-09-07 13:43:45\u3000来源: 某某周刊 举报")
    )
    assert (doc.title, doc.source, doc.published_at) == (
        "多地项目连环爆雷 这家公司的暗伤曝露？",
        "某某周刊",
        dt.datetime(2019, 9, 7, 13, 43, 45, tzinfo=BEIJING),
    )
    assert doc.body.split("\n") == PARAGRAPHS


def test_lines_after_the_article_are_removed_but_its_credit_lines_become_fields(processor):
    text = page("公司发布中期业绩报告\n2019-09-07 13:43", after="本文来源：某某周刊 责任编辑：杨倩\n" + COMMENTS)
    extract = processor.process(text, SAVED)
    (doc,) = extract.documents
    assert doc.source == "某某周刊" and "房地产" not in doc.body
    removed = {r.text: r.rule for r in extract.removed}
    assert removed["抽烟听雨[四川省成都市网友]2019-09-07 22:44:09"] == "after_article"


@pytest.mark.xfail(
    strict=True,
    reason="issue 21, known error of the learned header reader: a headline stacked over its dek loses to the dek (also r38 of realpages-dev)",
)
def test_the_headline_is_the_line_above_its_dek_or_author_box(processor):
    header = "山西品牌丝路行（南美站）正式启动\n成功举办中国（山西）－巴西双向经贸投资推介会\n时间：2019-09-18 06:23 来源： 山西日报"
    assert only_document(processor, page(header)).title == "山西品牌丝路行（南美站）正式启动"
    byline = "共享充电宝涨价告别1元时代\n石佳/中国青年报\n2019-09-24 09:10"
    assert only_document(processor, page(byline)).title == "共享充电宝涨价告别1元时代"


def test_a_link_row_or_an_address_above_the_headline_is_not_taken_for_it(processor):
    for chrome in ("搜索  网站地图 设置首页", "kingname_notify@163.com 申请入驻", "界面新闻编辑 | 赵六"):
        header = f"{chrome}\n外媒眼中的武汉长假：蓬勃发展，欢声笑语\n2020-10-04 20:30 来源: 长江网"
        assert only_document(processor, page(header)).title == "外媒眼中的武汉长假：蓬勃发展，欢声笑语"


def test_a_headline_the_site_cut_off_with_an_ellipsis_is_still_the_headline(processor):
    header = "定了！广州南沙邮轮母港即将开通！地铁直达+无敌免...\n2019-08-13 14:07来源：澎湃新闻"
    assert only_document(processor, page(header)).title == "定了！广州南沙邮轮母港即将开通！地铁直达+无敌免..."


def test_a_dated_feed_with_a_comment_thread_after_the_article_is_no_second_article(processor):
    feed = "作者最近文章\n公司发布中期业绩报告\n2019-09-07\n美国还重要吗？\n2019-08-27\n热门评论 7条\n" + "\n".join(
        f"网友{i}\n{p}\n13小时前\n回复 踩0 赞104" for i, p in enumerate(PARAGRAPHS * 2)
    )
    assert only_document(processor, page("公司发布中期业绩报告\n2019-09-07 09:25:09", after=feed)).title


# --- outlets a whole page names --------------------------------------------------------------------


def test_an_outlet_after_the_date_loses_its_role_suffix(processor):
    doc = only_document(processor, page("逆水寒再按照这个速度研发下去\n2019-09-05 11:10 游民星空[整理] 1"))
    assert doc.source == "游民星空"


def test_a_name_of_four_or_more_characters_beside_the_header_is_the_self_media_account(processor):
    assert only_document(processor, page("三星新手机正式发布\n爱否科技 2019-09-07")).source == "爱否科技"
    assert only_document(processor, page("三星新手机正式发布\n加拿大必读\n2019-09-07 12:00")).source == "加拿大必读"


def test_a_persons_name_or_a_badge_beside_the_header_is_no_outlet(processor):
    assert only_document(processor, page("三星新手机正式发布\n李晓舟 2019-09-07", footer="")).source is None
    assert only_document(processor, page("三星新手机正式发布\n创始人\n2019-09-07 12:00", footer="")).source is None
    assert only_document(processor, page("三星新手机正式发布\n李晓舟 2019-09-07")).source == "某某网"


def test_the_copyright_footer_names_the_site_when_nothing_else_credits_an_outlet(processor):
    site = page("新闻发布会\n发布日期: 2012-06-24", footer="版权所有：中国载人航天工程官方网站 主办方：某办公室")
    assert only_document(processor, site).source == "中国载人航天工程官方网站"
    company = page("新闻发布会\n发布日期: 2012-06-24", footer="©1999-2019 北京创新乐知网络技术有限公司版权所有")
    assert only_document(processor, company).source is None


def test_a_greeting_at_the_top_names_the_site_when_nothing_else_credits_an_outlet(processor):
    greeted = "欢迎来到某某留学网\n" + page("新闻发布会\n发布日期: 2012-06-24", footer="")
    assert only_document(processor, greeted).source == "某某留学网"
    anonymous = "欢迎光临本站！\n" + page("新闻发布会\n发布日期: 2012-06-24", footer="")
    assert only_document(processor, anonymous).source is None


# --- what inside the article text is page furniture --------------------------------------------------


def test_a_feed_heading_ends_the_article_whatever_its_spacing(processor):
    teaser = [
        "延伸 · 推荐",
        "女警一天打100电话被停机",
        "女警一天打了一百个电话，结果手机被运营商停机了，核实并非诈骗后才恢复。",
    ]
    doc = only_document(
        processor, page("女警打百个电话遭停机\n2019-09-07 16:28:35 来源: 新京报", paragraphs=PARAGRAPHS + teaser)
    )
    assert "女警一天打" not in doc.body and "延伸" not in doc.body


def test_a_pager_ends_the_article_and_opinion_and_reposting_notices_are_removed(processor):
    notices = [
        "本文仅代表作者个人观点。",
        "请支持独立网站，转发请注明本文链接：https://www.example.cn/a/1.shtml",
        "1 2 下一页 余下全文",
    ]
    doc = only_document(
        processor, page("中美贸易持久战\n2019-09-07 09:25:09 来源：观察者网", paragraphs=PARAGRAPHS + notices)
    )
    assert doc.body.split("\n") == PARAGRAPHS


def test_a_related_links_block_inside_the_article_is_removed_and_the_text_after_it_kept(processor):
    related = ["相关阅读", "公司上半年销售额同比增长两成", "业主维权事件持续发酵"]
    paragraphs = [PARAGRAPHS[0], *related, *PARAGRAPHS[1:]]
    doc = only_document(processor, page("公司发布中期业绩报告\n2019-09-07 13:43", paragraphs=paragraphs))
    assert doc.body.split("\n") == PARAGRAPHS


def test_a_comment_section_heading_inside_the_article_text_ends_it(processor):
    comments = [
        "全部评论",
        "股海拾贝",
        "分析得很到位，不过我觉得明年的情况才是关键。",
        "11-25 22:04",
        "价投老周",
        "同意。",
    ]
    doc = only_document(processor, page("公司发布中期业绩报告\n2019-09-07 13:43", paragraphs=PARAGRAPHS + comments))
    assert doc.body.split("\n") == PARAGRAPHS


def test_a_notice_paragraph_above_the_header_does_not_hide_the_article(processor):
    notice = "本站郑重提示：本网站所有内容仅供参考，不构成任何投资建议。网站内容如需转载请联系本网站取得书面授权，违者将依法追究其法律责任，感谢您的理解与支持。"
    text = page(f"{notice}\n分享\n公司发布中期业绩报告\n2019-09-07 13:43", paragraphs=PARAGRAPHS[:2])
    doc = only_document(processor, text)
    assert (doc.title, doc.body.split("\n")) == ("公司发布中期业绩报告", PARAGRAPHS[:2])


def test_a_comment_section_opening_ends_the_article_even_when_the_comments_read_as_prose(processor):
    comments = [
        "网友评论仅供其表达个人看法，并不表明本站立场。",
        "这家公司的问题早就存在了，只是以前行情好的时候大家都没有注意到而已，现在终于暴露出来。",
        "精装修交房的质量问题确实应该好好管一管了，业主维权太难，希望有关部门能够重视起来。",
    ]
    doc = only_document(processor, page("公司发布中期业绩报告\n2019-09-07 13:43", paragraphs=PARAGRAPHS + comments))
    assert doc.body.split("\n") == PARAGRAPHS


def test_program_code_quoted_between_paragraphs_stays_inside_the_article_text():
    code = ["import json", "def parse():", "    data = client.lpop('test')", "    ifnot data:", "        return"]
    texts = [
        "栏目一",
        "栏目二",
        PARAGRAPHS[0],
        "我们来看这样一个例子，代码如下：",
        *code,
        *code,
        PARAGRAPHS[1],
        "热点",
        "更多",
    ]
    block = main_text(texts)
    assert (block.start, block.end) == (2, len(texts) - 3)


def test_original_title_lines_in_their_page_forms_become_a_field():
    assert metadata_pairs("本文原标题：《定了！广州南沙邮轮母港即将开通！》") == [
        ("origin_title", "定了！广州南沙邮轮母港即将开通！")
    ]
    assert metadata_pairs("（原题为《新年伊始，习近平的重要文章谈了啥？》）") == [
        ("origin_title", "新年伊始，习近平的重要文章谈了啥？")
    ]
    assert metadata_pairs("原题为人知的故事，《某书》里有记载。") is None


def test_a_header_dated_by_a_day_word_alone_is_read_against_the_saving_time(processor):
    doc = only_document(processor, page("运营商 5G 手机促销方式曝光\n昨天"))
    assert (doc.title, doc.published_at) == ("运营商 5G 手机促销方式曝光", dt.datetime(2019, 9, 7, tzinfo=BEIJING))


def test_a_date_banner_in_the_page_menu_is_not_the_articles_date_line(processor):
    header = "2019年9月8日 星期日\n首页\n要闻\n公司发布中期业绩报告引发市场关注\n2019-09-07 13:43 来源：某某周刊"
    doc = only_document(processor, "\n".join(["某某网", header, *PARAGRAPHS]))
    assert (doc.title, doc.published_at) == (
        "公司发布中期业绩报告引发市场关注",
        dt.datetime(2019, 9, 7, 13, 43, tzinfo=BEIJING),
    )


def test_a_tag_cloud_glued_into_one_line_under_the_date_is_header_chrome(processor):
    header = "第三届安全论坛在鸟巢举办\n发表于2014-08-24 21:30| 1164次阅读| 来源CSDN\n知道创宇余弦KconZoomEyeEvi1m0XSSTombkeeper"
    extract = processor.process(page(header), SAVED)
    (doc,) = extract.documents
    assert (doc.source, doc.body.split("\n")) == ("CSDN", PARAGRAPHS)
    assert {r.text: r.rule for r in extract.removed}["知道创宇余弦KconZoomEyeEvi1m0XSSTombkeeper"] == "header_chrome"


def test_layouts_are_asked_in_the_order_of_the_best_score_each_can_give():
    from zhnews.transforms.layouts.detect import LAYOUTS

    best = [layout.best_score for layout in LAYOUTS]
    assert best == sorted(best, reverse=True)
