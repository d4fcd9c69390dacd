"""Layouts are detected by structure and split dumps into drafts; no line goes unaccounted for."""

from zhnews.transforms.layouts import detect_layout, split_dump
from zhnews.transforms.pipeline import to_lines

LISTING_EN = """新能源汽车
Search documents
杭州新能源汽车再提速
Peng Pai Xin Wen· 2024-05-06 07:08
杭州当地政府发布了新的实施方案,涉及资金约20亿元。 ...
成都低空经济见成效
Di Yi Cai Jing· 2023-01-02 03:04
Core Viewpoint - The report highlights steady growth in Chengdu [1]"""

PORTAL = """武汉冰雪旅游迎新局
编辑部
2024-02-03 04:05:06
12

武汉文旅部门启动了为期三个月的专项行动。

首批项目已经落地。

相关内容
热门资讯
某地举办论坛... 某地..."""

UNTITLED = """阅读此文前,诚邀您点击一下“关注”按钮,您的支持是我们坚持创作的动力~

近日,某市有关部门召开了专题座谈会,研究部署下一阶段工作。

会议强调,要把各项措施落到实处。"""


def split(text, profiles):
    lines = to_lines(text)
    return split_dump(lines, profiles.rulebook_for([line.text for line in lines]))


def accounted(result, text):
    """Every non-blank line is in a draft or recorded as removed."""
    kept = {line.no for d in result.drafts for line in d.lines}
    removed = {r.line_no for r in result.chrome} | {r.line_no for d in result.drafts for r in d.removed}
    return kept | removed == {no for no, t in enumerate(text.split("\n"), 1) if t.strip()}


def test_listing_splits_into_title_outlet_date_blocks(profiles):
    result = split(LISTING_EN, profiles)
    assert result.layout == "search_listing_en"
    assert [d.fields["title"] for d in result.drafts] == ["杭州新能源汽车再提速", "成都低空经济见成效"]
    assert [d.fields["source"] for d in result.drafts] == ["Peng Pai Xin Wen", "Di Yi Cai Jing"]
    assert result.drafts[0].fields["topic"] == "新能源汽车"
    assert accounted(result, LISTING_EN)


def test_chinese_interface_listing_takes_the_topic_from_between_chrome_lines(profiles):
    text = "Workflow\n城市更新\nicon\n搜索文档\n标题一\n新华社· 2025-01-02 03:04\n正文一\n标题二\n人民网· 2025-01-03 03:04\n正文二"
    result = split(text, profiles)
    assert result.layout == "search_listing_zh"
    assert {d.fields["topic"] for d in result.drafts} == {"城市更新"}
    assert [r.rule for r in result.chrome] == ["listing_chrome", "field:topic", "listing_chrome", "listing_chrome"]


def test_portal_article_header_gives_title_author_and_date(profiles):
    result = split(PORTAL, profiles)
    assert result.layout == "portal_article"
    (d,) = result.drafts
    assert d.fields == {"title": "武汉冰雪旅游迎新局", "published": "2024-02-03 04:05:06", "author": "编辑部"}
    assert d.lines[0].text == "武汉文旅部门启动了为期三个月的专项行动。"
    assert accounted(result, PORTAL)


def test_portal_header_may_carry_the_outlet_on_the_date_line(profiles):
    text = "标题\n2025-12-02 09:15:33 来源：澎湃新闻\n正文第一段。\n正文第二段。"
    (d,) = split(text, profiles).drafts
    assert d.fields["source"] == "澎湃新闻"
    assert d.fields["published"] == "2025-12-02 09:15:33"


def test_page_that_starts_with_paragraphs_is_an_untitled_article(profiles):
    result = split(UNTITLED, profiles)
    assert result.layout == "untitled_article"
    assert "title" not in result.drafts[0].fields


def test_a_page_opening_on_site_chrome_is_no_untitled_article_but_an_undated_page(profiles):
    text = (
        "本站永久域名:\nexample.126.com\n最新军情 军事评论 军事书籍 军事装备\n当前位置：首页->军事技术\n"
        "飞行物理学常识\n"  # a headline of seven characters
        "飞行归因于作用在飞机上的几个力。第一个是飞机的重量，即将飞机拉向地面的力。\n"
        "多个力可同时从不同方向作用于同一架飞机上，单个的力称作分力。\n"
    )
    result = split(text, profiles)
    assert result.layout == "undated_page"
    (d,) = result.drafts
    assert d.fields["title"] == "飞行物理学常识"
    assert d.lines[0].text.startswith("飞行归因于")


def test_an_article_whose_comments_carry_outlet_and_date_stamps_is_no_listing(profiles):
    article = (
        "博客首页\n登录\n随笔档案\n13岁女孩辍学后生下女婴\n"
        "本报讯 13岁，正是花季的年龄，一名女孩却在医院生下了一名女婴。\n"
        "记者来到这家医院，看到女孩虚弱地躺在床上，身边的女婴正在熟睡。\n"
        "医生称，他工作这么多年，还没遇到过年龄这么小的产妇。\n"
        "作者:zboygirl 阅读(1660) 评论(5) 发表于:2005-07-31 12:30\n文章评论\n"
    )
    comments = "恶心！！！\n网友甲 | 2005-08-26 17:43\n这是一件很重大的事件\n网友乙 | 2005-09-13 22:38\n"
    result = split(article + comments, profiles)
    assert result.layout != "search_listing"
    assert len(result.drafts) == 1


def test_a_menu_row_of_bar_separated_cells_is_never_the_headline(profiles):
    text = (
        "首页 | 时事 | 生活 | 财经 | 法律 | 文体\nSaturday, September 10th, 2005   10:56 am\n"
        "播客热潮迅速蔓延 挑逗传统传媒业\n"
        "每个人都可以当主持人，任何人都可以通过软件免费下载播客提供的节目。\n"
        "一夜间，播客成了继博客和RSS后网络上的热门话题。\n"
    )
    (d,) = split(text, profiles).drafts
    assert d.fields["title"] == "播客热潮迅速蔓延 挑逗传统传媒业"


def test_unknown_structure_falls_back_to_generic_title_plus_body(profiles):
    text = "一个标题\n没有日期的一段话。"
    lines = to_lines(text)
    assert detect_layout(lines, profiles.rulebook_for([text])).name == "generic"
    (d,) = split(text, profiles).drafts
    assert d.fields["title"] == "一个标题" and "unknown_layout" in d.flags


def test_a_portal_page_behind_navigation_chrome_finds_title_date_and_outlet(profiles):
    text = (
        "首页\n新闻\n体育\n更多\n登录\n"
        "河口新区首座海上风电场全容量并网\n2025-11-05 08:30 河口日报\n分享\n举报\n"
        "海上风电场今天全部机组并网发电，年发电量预计可达十二亿千瓦时。\n"
        "项目负责人介绍，风电场共安装五十台风机。\n举报\n评论 0"
    )
    result = split(text, profiles)
    (d,) = result.drafts
    assert result.layout == "portal_article"
    assert d.fields["title"] == "河口新区首座海上风电场全容量并网"
    assert (d.fields["published"], d.fields["outlet"]) == ("2025-11-05 08:30", "河口日报")
    assert [r.rule for r in result.chrome] == ["page_chrome"] * 5
    assert [r.rule for r in d.removed if r.rule == "header_chrome"] == ["header_chrome"] * 2
    assert accounted(result, text)


def test_an_e_paper_page_prints_the_date_above_the_title(profiles):
    text = "人民日报\n2025年12月3日 星期三\n2\n要闻\n今冬明春蔬菜市场供应总体有保障\n本报记者 孙晓明\n　　眼下，北方地区陆续进入冬季。"
    (d,) = split(text, profiles).drafts
    assert d.fields["title"] == "今冬明春蔬菜市场供应总体有保障"
    assert d.fields["published"] == "2025年12月3日 星期三"


def test_baidu_style_listing_puts_the_outlet_line_after_the_snippet(profiles):
    text = (
        "哈尔滨 冰雪旅游\n百度一下\n"
        "冰雪大世界开园在即\n园区总面积较上届扩大约三成，新增项目20余个...\n新华网  2025年12月2日\n"
        "中央大街推出夜游线路\n沿街商户营业时间普遍延长至23时。\n黑龙江日报  2025年11月30日\n相关搜索\n下一页 >"
    )
    result = split(text, profiles)
    assert [(d.fields["title"], d.fields["source"], d.fields["published"]) for d in result.drafts] == [
        ("冰雪大世界开园在即", "新华网", "2025年12月2日"),
        ("中央大街推出夜游线路", "黑龙江日报", "2025年11月30日"),
    ]
    assert [line.text for line in result.drafts[1].lines] == ["沿街商户营业时间普遍延长至23时。"]
    assert [r.rule for r in result.chrome][-2:] == ["listing_footer", "listing_footer"]
    assert {d.fields["topic"] for d in result.drafts} == {"哈尔滨 冰雪旅游"}


def test_a_listing_may_date_its_entries_relative_to_the_saving_time(profiles):
    text = (
        "新能源汽车下乡\n"
        "车企加码县域市场\n多家车企将渠道下沉至县城和乡镇...\n汽车产经观察  3小时前\n"
        "下乡车型目录发布\n目录共包含124款车型...\n新能源汽车网  11月18日\n"
        "多部门持续开展下乡活动\n将进一步完善农村充换电基础设施。\n政务发布  2025-11-12\n相关搜索"
    )
    result = split(text, profiles)
    assert result.layout.startswith("search_listing")
    assert [(d.fields["source"], d.fields["published"]) for d in result.drafts] == [
        ("汽车产经观察", "3小时前"),
        ("新能源汽车网", "11月18日"),
        ("政务发布", "2025-11-12"),
    ]
    assert accounted(result, text)


def test_comment_stamps_below_an_article_do_not_make_it_a_listing(profiles):
    text = (
        "河口新区首座海上风电场全容量并网\n2025-11-05 08:30 河口日报\n"
        "海上风电场今天全部机组并网发电，年发电量预计可达十二亿千瓦时。\n热门评论\n"
        "风电迷\n这个项目等了好多年。\n网友甲  3小时前\n点赞支持\n说得好。\n网友乙  11月5日\n"
    )
    result = split(text, profiles)
    assert result.layout == "portal_article"
    assert result.drafts[0].fields["title"] == "河口新区首座海上风电场全容量并网"


def test_a_page_that_prints_its_date_after_the_body_takes_the_longest_heading_above_it(profiles):
    text = (
        "首页\n发现\n登录/注册\n城市更新中的“口袋公园”：小空间如何承载大民生\n林间拾遗\n城市规划师，关注公共空间\n关注\n"
        "286 人赞同了该文章\n想在老城区找一块完整的空地建公园几乎不可能。\n小空间做好了，承载的是实实在在的民生。\n"
        "发布于 2025-11-16 20:05・IP 属地上海\n赞同 286\n推荐阅读\n老旧小区改造为什么总谈不拢"
    )
    result = split(text, profiles)
    (d,) = result.drafts
    assert (d.fields["title"], d.fields["account"]) == ("城市更新中的“口袋公园”：小空间如何承载大民生", "林间拾遗")
    assert d.fields["published"] == "2025-11-16 20:05"
    assert [line.text for line in d.lines][:2] == [
        "想在老城区找一块完整的空地建公园几乎不可能。",
        "小空间做好了，承载的是实实在在的民生。",
    ]
    assert accounted(result, text)


def test_the_account_is_the_name_above_a_follow_button_and_a_location_after_the_date_is_no_outlet(profiles):
    text = (
        "新能源车企扎堆建超充站\n车圈老王说\n2025-11-17 21:05四川\n优质汽车领域创作者\n关注\n"
        "最近一个月，至少有五家车企宣布了新的超充站建设计划。"
    )
    (d,) = split(text, profiles).drafts
    assert (d.fields["title"], d.fields["account"], d.fields["published"]) == (
        "新能源车企扎堆建超充站",
        "车圈老王说",
        "2025-11-17 21:05",
    )
    assert "outlet" not in d.fields


def test_a_labelled_byline_above_the_date_is_not_the_title(profiles):
    text = "城商行净息差再收窄\n文｜财新 刘晓彤\n2025年11月20日 19:03\n【财新网】三季度末，城商行净息差降至1.38%。"
    (d,) = split(text, profiles).drafts
    assert d.fields["title"] == "城商行净息差再收窄"
    assert [line.text for line in d.lines] == ["文｜财新 刘晓彤", "【财新网】三季度末，城商行净息差降至1.38%。"]


PAGE = "中国新闻网\n首页\n{title}\n{date} 来源：中国新闻网\n{p1}\n{p2}\n【编辑:李岩】\n相关新闻\n快递企业布局县域共配中心\n"


def test_pages_pasted_one_after_another_split_into_one_draft_each(profiles):
    first = PAGE.format(
        title="前10月快递业务量突破1600亿件",
        date="2025年11月19日 10:26",
        p1="快递业务量同比增长19.6%。",
        p2="全年有望超过1900亿件。",
    )
    second = PAGE.format(
        title="北方多地提前供暖", date="2025年11月20日 16:48", p1="多地提前启动供暖。", p2="公众需注意防寒保暖。"
    )
    text = first + "\n" + second
    result = split(text, profiles)
    assert [(d.ordinal, d.fields["title"], d.fields["published"]) for d in result.drafts] == [
        (1, "前10月快递业务量突破1600亿件", "2025年11月19日 10:26"),
        (2, "北方多地提前供暖", "2025年11月20日 16:48"),
    ]
    assert [line.text for line in result.drafts[1].lines][:2] == ["多地提前启动供暖。", "公众需注意防寒保暖。"]
    assert accounted(result, text)


def test_a_dated_teaser_below_an_article_is_not_a_second_article(profiles):
    text = (
        "河口新区首座海上风电场全容量并网\n2025-11-05 08:30 河口日报\n"
        "海上风电场今天全部机组并网发电。\n项目负责人介绍，风电场共安装五十台风机。\n"
        "相关新闻\n河口港吞吐量创新高\n2025-11-04 10:00\n河口港前十月吞吐量同比增长一成。\n更多新闻"
    )
    assert len(split(text, profiles).drafts) == 1
