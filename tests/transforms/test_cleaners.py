"""Cleaning operators, each on a small draft: what they remove, edit, and leave alone."""

import pytest
from zhnews.transforms.cleaners import DEFAULT_CLEANERS, build_cleaners
from zhnews.transforms.cleaners.citations import CitationMarkers
from zhnews.transforms.cleaners.footer import TrailingFooter
from zhnews.transforms.cleaners.line_rules import BoilerplateLines
from zhnews.transforms.cleaners.metadata_lines import MetadataLines, byline_names, byline_outlet, metadata_pairs
from zhnews.transforms.cleaners.trailing_chrome import is_chrome_line
from zhnews.transforms.cleaners.truncation import TruncationMarker
from zhnews.transforms.cleaners.wrap_spaces import WrapSpaces, repair_wrap_spaces
from zhnews.transforms.model import Draft, Line

from tests.transforms.test_page_kinds import SAVED


def draft(*texts: str, layout: str = "portal_article") -> Draft:
    return Draft(ordinal=1, layout=layout, lines=[Line(i + 1, t) for i, t in enumerate(texts)])


def texts(d: Draft) -> list[str]:
    return [line.text for line in d.lines]


@pytest.fixture
def rules(profiles):
    return profiles.rulebook_for(["打开网易新闻 查看更多图片"])


class TestWrapSpaces:
    @pytest.mark.parametrize(
        ("before", "after"),
        [
            ("这一安 排也被一些外媒视为", "这一安排也被一些外媒视为"),
            ("比如日 本和韩国", "比如日本和韩国"),
            ("覆盖3 8个街道", "覆盖38个街道"),
            ("同比增长82. 9%,创新高", "同比增长82.9%,创新高"),
            ("投资约4 .5亿元", "投资约4.5亿元"),
            ("共计12.3 5万人", "共计12.35万人"),
            ("Version 3. 9 ships", "Version 3. 9 ships"),
            ('仅表示"细节不便透露",日 本政府', '仅表示"细节不便透露",日本政府'),
            ("驻华大使庞德伟(David Perdue),随后", "驻华大使庞德伟(David Perdue),随后"),
            ("Japan feels frustrated with the US", "Japan feels frustrated with the US"),
        ],
    )
    def test_joins_chinese_across_wrap_spaces_but_not_latin_words(self, before, after):
        assert repair_wrap_spaces(before)[0] == after

    def test_counts_its_edits(self, rules):
        d = draft("这一安 排也被 一些外媒")
        WrapSpaces()(d, rules)
        assert texts(d) == ["这一安排也被一些外媒"]
        assert d.edits == {"wrap_spaces": 2}


class TestCitationMarkers:
    def test_removes_single_and_chained_markers(self, rules):
        d = draft("艰难抉择[1] - 若日本谴责[1][3] - 关注反应[2, 5]", "Japan feels frustrated [1][12][15]")
        CitationMarkers()(d, rules)
        assert texts(d) == ["艰难抉择 - 若日本谴责 - 关注反应", "Japan feels frustrated"]

    def test_leaves_bracketed_words_alone(self, rules):
        d = draft("[视频]外交部回应")
        CitationMarkers()(d, rules)
        assert texts(d) == ["[视频]外交部回应"]


class TestTruncationMarker:
    def test_listing_snippet_ending_in_ellipsis_is_flagged_and_unmarked(self, rules):
        d = draft("日本首相高市早苗举行电话 ...", layout="search_listing_en")
        TruncationMarker()(d, rules)
        assert texts(d) == ["日本首相高市早苗举行电话"]
        assert "truncated" in d.flags

    def test_full_articles_are_not_touched(self, rules):
        d = draft("他说……", layout="portal_article")
        TruncationMarker()(d, rules)
        assert texts(d) == ["他说……"] and not d.flags


class TestTrailingFooter:
    def test_everything_from_a_footer_marker_on_is_removed_with_the_marker_named(self, rules):
        d = draft("第一段。", "第二段。", "相关内容", "热门资讯", "某某... 某某...")
        TrailingFooter()(d, rules)
        assert texts(d) == ["第一段。", "第二段。"]
        assert {r.rule for r in d.removed} == {"footer_marker:相关内容"}
        assert len(d.removed) == 3

    def test_a_marker_on_the_first_line_does_not_eat_the_body(self, rules):
        d = draft("相关内容", "正文第一段。")
        TrailingFooter()(d, rules)
        assert texts(d) == ["相关内容", "正文第一段。"]

    def test_a_marker_labelling_its_first_link_starts_the_footer_too(self, rules):
        d = draft("第一段。", "第二段。", "延伸阅读：某地警方破获一起集资诈骗案", "另一条相关报道的标题")
        TrailingFooter()(d, rules)
        assert texts(d) == ["第一段。", "第二段。"]
        assert {r.rule for r in d.removed} == {"footer_marker:延伸阅读：某地警方破获一起集资诈骗案"}

    def test_a_labelled_related_link_inside_the_text_is_dropped_and_the_text_goes_on(self, rules):
        d = draft("第一段。", "相关阅读：某地出台供暖新规", "第二段，文章继续写下去。", "第三段，还有更多内容。")
        TrailingFooter()(d, rules)
        assert texts(d) == ["第一段。", "第二段，文章继续写下去。", "第三段，还有更多内容。"]

    def test_a_disclaimer_heading_under_the_text_ends_it(self, rules):
        d = draft("第一段。", "第二段。", "某某网版权与免责声明：", "1. 任何言论纯属作者个人观点；")
        TrailingFooter()(d, rules)
        assert texts(d) == ["第一段。", "第二段。"]

    def test_a_trailing_run_of_teasers_is_a_footer_without_a_marker(self, rules):
        body = ["正文第一段。", "正文第二段。"]
        teasers = ["长春市举办医疗... 为探讨数字化转型...", "苹果大更新... 苹果宣布了...", "富士X-E5... 近日..."]
        d = draft(*body, *teasers)
        TrailingFooter()(d, rules)
        assert texts(d) == body
        assert [r.rule for r in d.removed] == ["teaser_run"] * 3

    def test_two_lines_ending_in_ellipsis_are_not_a_teaser_run(self, rules):
        d = draft("正文。", "他说……", "她也说……")
        TrailingFooter()(d, rules)
        assert len(d.lines) == 3


class TestBoilerplateLines:
    def test_profile_patterns_remove_prompts_and_placeholders_with_their_rule(self, rules):
        d = draft(
            "阅读此文前,诚邀您点击一下“关注”按钮,方便以后持续为您推送此类文章,您的支持是我们坚持创作的动力~",
            "打开网易新闻 查看更多图片",
            "正文。",
        )
        BoilerplateLines()(d, rules)
        assert texts(d) == ["正文。"]
        assert [r.rule for r in d.removed] == ["common:follow_prompt", "netease:image_placeholder"]

    @pytest.mark.parametrize(
        "line",
        ["[上一篇]  [下一篇]", "上一篇：某地出台供暖新规", "【打印本稿】", "[关闭窗口]", "您是本文第 154 个阅览者",
         "Trackback: http://tb.example.net/TrackBack.aspx?PostId=1", "Copyright © someblog"],
    )  # fmt: skip
    def test_story_navigation_single_buttons_counters_and_copyright_lines_are_removed(self, rules, line):
        d = draft(line, "正文。")
        BoilerplateLines()(d, rules)
        assert texts(d) == ["正文。"]

    @pytest.mark.parametrize("line", ["下一篇报道将在明天刊出。", "他打印了三份材料。", "这是第3个读者来信。"])
    def test_prose_that_names_them_stays(self, rules, line):
        d = draft(line, "正文。")
        BoilerplateLines()(d, rules)
        assert texts(d) == [line, "正文。"]


class TestMetadataLines:
    @pytest.mark.parametrize(
        ("line", "pairs"),
        [
            ("来源：新华社", [("source", "新华社")]),
            ("(文章来源:央视新闻)", [("source", "央视新闻")]),
            ("原标题：美日同盟新动向", [("origin_title", "美日同盟新动向")]),
            ("本文来源：澎湃新闻  责任编辑：王某", [("source", "澎湃新闻"), ("editor", "王某")]),
            ("作者：张三 | 编辑：李四", [("author", "张三"), ("editor", "李四")]),
            # a label glued to the value before it starts the next pair
            ("来源：中国新闻网责任编辑：张三", [("source", "中国新闻网"), ("editor", "张三")]),
            ("来源：新华社记者：王五", [("source", "新华社"), ("author", "王五")]),
            # ... but not inside a free-text value
            ("原标题：专访作者：我为何写作", [("origin_title", "专访作者：我为何写作")]),
        ],
    )
    def test_label_value_lines_are_metadata(self, line, pairs):
        assert metadata_pairs(line) == pairs

    @pytest.mark.parametrize("line", ["据新华社报道，来源：可靠消息称会谈取得进展。", "来源", "这是正文。"])
    def test_sentences_are_not_metadata(self, line):
        assert metadata_pairs(line) is None

    def test_metadata_becomes_fields_and_layout_fields_win(self, rules):
        d = draft("正文。", "来源：新华社", "责任编辑：王某")
        d.fields["source"] = "人民网"
        MetadataLines()(d, rules)
        assert texts(d) == ["正文。"]
        assert d.fields == {"source": "人民网", "credited_source": "新华社", "editor": "王某"}
        assert [r.rule for r in d.removed] == ["field:source", "field:editor"]


def test_cleaners_compose_from_a_list_of_names():
    assert [c.name for c in build_cleaners(DEFAULT_CLEANERS)] == list(DEFAULT_CLEANERS)
    with pytest.raises(ValueError, match="unknown cleaner"):
        build_cleaners(["no_such_cleaner"])


def test_hard_wrapped_paragraphs_marked_by_an_indent_are_joined(rules):
    from zhnews.transforms.cleaners.hard_wraps import HardWraps

    d = draft(
        "\u3000\u3000眼下，北方地区陆续进入冬季，蔬菜生产和供应进",
        "入季节转换期。",
        "\u3000\u3000从生产布局看，主产区集中在南方",
        "和北方。",
    )
    HardWraps()(d, rules)
    assert [t.strip() for t in texts(d)] == [
        "眼下，北方地区陆续进入冬季，蔬菜生产和供应进入季节转换期。",
        "从生产布局看，主产区集中在南方和北方。",
    ]
    assert d.lines[0].joined == [2] and d.edits == {"hard_wraps": 2}


def test_lines_without_indents_are_never_joined(rules):
    from zhnews.transforms.cleaners.hard_wraps import HardWraps

    d = draft("第一段没有缩进", "第二段也没有")
    HardWraps()(d, rules)
    assert texts(d) == ["第一段没有缩进", "第二段也没有"]


def test_trailing_widget_lines_after_the_last_paragraph_are_page_chrome(rules):
    from zhnews.transforms.cleaners.trailing_chrome import TrailingChrome

    d = draft("正文第一段，说明了事情的经过。", "“明年再来！”", "举报", "评论 0", "收藏")
    TrailingChrome()(d, rules)
    assert texts(d) == ["正文第一段，说明了事情的经过。", "“明年再来！”"]
    assert [r.rule for r in d.removed] == ["trailing_chrome"] * 3


def test_a_reporter_credit_on_its_own_line_fills_the_author(rules):
    d = draft("正文。", "新京报记者 吴迪 编辑 杨娟 校对 赵琳")
    MetadataLines()(d, rules)
    assert texts(d) == ["正文。"] and d.fields["author"] == "吴迪"


def test_a_date_line_whose_credit_has_the_editor_glued_to_it_credits_only_the_outlet(processor):
    page = (
        "首页 > 国内\n前10月全国快递业务量突破1600亿件\n2025-11-25 14:32 来源：中国新闻网责任编辑：张三\n"
        "国家邮政局25日发布数据，前10月全国快递业务量突破1600亿件，同比增长近两成。\n"
        "业内人士表示，农村地区快递服务持续改善，带动了业务量增长。"
    )
    doc = processor.process(page).documents[0]
    assert (doc.title, doc.source) == ("前10月全国快递业务量突破1600亿件", "中国新闻网")


def test_a_credit_label_may_carry_the_outlets_short_name():
    assert metadata_pairs("每经记者：赵子航    每经编辑：孙丽娟") == [("author", "赵子航"), ("editor", "孙丽娟")]


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


def test_platform_disclaimers_and_ad_labels_are_boilerplate(processor):
    page = (
        "某平台\n某号\n关注\n社区菜场蔬菜角火了 每天早上开卖\n某号\n2025-11-25 17:12 上海\n"
        "每天早上7点开卖，不到两个小时就卖完了。\n广告\n街道计划明年再开两个类似的蔬菜角。\n"
        "本文为某号作者或机构在某平台上传并发布，仅代表该作者或机构观点，不代表某平台的观点或立场。"
    )
    doc = processor.process(page, SAVED).documents[0]
    assert doc.body == "每天早上7点开卖，不到两个小时就卖完了。\n街道计划明年再开两个类似的蔬菜角。"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("页面功能 【我来说两句】【我要“揪”错】【推荐】【字体：大 中 小】【打印】 【关闭】", "common:button_row"),
        ("[ 回复本贴 ] [ 跟从标题 ] [ 关闭本窗口 ] [ 刷新 ]", "common:button_row"),
        ("最新军情\t军事评论\t军事书籍\t军事装备\t史海钩沉", "common:link_row"),
        ("日韩汽车和手机全面对比 | 40款热门车降价促销汇总 | 4款中产首选车对比(图)", "common:link_row"),
        ("一把辛酸泪啊。【皮皮说话】08-11 17:15 80字 [176/0]", "common:reply_list"),
        ("我的爱在哪 11111 16:31:00 1/31/06 (367)", "common:reply_list"),
        ("展开全文", "common:widgets"),
        ("正在读取评论……", "common:widgets"),
        ("← 返回", "common:widgets"),
    ],
)
def test_rows_of_buttons_links_and_replies_are_boilerplate_by_their_shape(rules, line, rule):
    d = draft(line, "正文。")
    BoilerplateLines()(d, rules)
    assert (texts(d), [r.rule for r in d.removed]) == (["正文。"], [rule])


@pytest.mark.parametrize(
    "line",
    [
        "编辑： 金金\t来源： 21世纪经济报道\t作者：宋怡 杨志华",  # credits in cells: read as metadata, not dropped
        "城市\t人口\tGDP",  # a table's head: cells too short to be headlines
        "【2005年中国革命历史巨作】【太行山上】 【DVDSCR-RMVB】",  # a headline in brackets: labels too long for buttons
        "他说：“这是第一步。”（记者 王五 10:30）",  # a sentence with a time
        "分享经济的下一步 | 观点",
    ],
)
def test_lines_that_only_look_like_rows_are_kept(rules, line):
    d = draft(line, "正文。")
    BoilerplateLines()(d, rules)
    assert texts(d) == [line, "正文。"]
