"""The header reader: candidates for a page's title, date and outlet, their features, and the model's choice."""

from __future__ import annotations

import datetime as dt

import pytest
from zhnews.transforms.header.candidates import (
    RULES_CHOICE,
    Page,
    date_candidates,
    outlet_candidates,
    title_candidates,
)
from zhnews.transforms.header.model import FieldScorer, HeaderModel
from zhnews.transforms.header.reader import STRAY_GAP, page_of
from zhnews.transforms.model import Line
from zhnews.transforms.normalize.dates import BEIJING
from zhnews.transforms.normalize.outlets import OutletResolver

SAVED = dt.datetime(2005, 8, 20, 12, tzinfo=BEIJING)
BODY = [
    "今年夏天，本市的降雨量比往年多出三成，气象部门提醒市民注意防范。",
    "专家表示，这种情况与副热带高压的位置有关。",
]


@pytest.fixture(scope="module")
def rules(profiles):
    return profiles.rulebook_for([])


@pytest.fixture(scope="module")
def outlets(profiles):
    return OutletResolver(profiles.outlet_aliases())


def page(header: list[str], after: list[str] = (), **kw) -> Page:
    lines = (*header, *BODY, *after)
    return Page(lines, len(header), len(header) + len(BODY) - 1, reference=SAVED, **kw)


class TestTitleCandidates:
    def test_a_title_label_spaced_to_align_a_form_is_cut(self, rules):
        texts = [
            c.text
            for c in title_candidates(page(["发文机关：\t某省人民政府", "标      题：\t关于加强防汛工作的通知"]), rules)
        ]
        assert "关于加强防汛工作的通知" in texts

    def test_a_line_labelled_as_the_title_far_above_the_text_is_offered(self, rules):
        header = ["主题: 雨水为何这么多", *[f"◎资料{i}　第{i}项" for i in range(30)]]
        found = {c.text: c for c in title_candidates(page(header), rules)}
        assert found["雨水为何这么多"].features["variant:label_cut"] == 1.0
        assert "◎资料0　第0项" not in found  # the other lines that far up are not

    def test_a_headline_printed_over_two_lines_is_also_offered_joined(self, rules):
        texts = [
            c.text
            for c in title_candidates(
                page(["首页 新闻", "为城市建设凝聚智慧和力量", "——热烈祝贺市政协会议开幕"]), rules
            )
        ]
        assert "为城市建设凝聚智慧和力量——热烈祝贺市政协会议开幕" in texts
        assert "为城市建设凝聚智慧和力量" in texts
        assert "——热烈祝贺市政协会议开幕" not in texts  # a dek alone is never the headline

    def test_a_label_before_the_headline_is_offered_cut(self, rules):
        found = {c.text: c for c in title_candidates(page(["主题: 今年夏天雨水为何这么多"]), rules)}
        assert found["今年夏天雨水为何这么多"].features["variant:label_cut"] == 1.0

    def test_features_tell_a_breadcrumb_and_a_date_line_from_a_headline(self, rules):
        found = {
            c.text: c.features
            for c in title_candidates(page(["首页 > 本地新闻", "雨水为何这么多", "2005-08-12 16:12"]), rules)
        }
        assert found["首页 > 本地新闻"]["breadcrumb"] == 1.0
        assert found["雨水为何这么多"]["date_right_below"] == 1.0
        assert found["雨水为何这么多"]["gap_to_text<=1"] == 1.0

    def test_the_rules_choice_is_marked_and_is_a_small_feature(self, rules):
        found = {
            c.text: c
            for c in title_candidates(page(["网站导航", "雨水为何这么多"], rule_title="雨水为何这么多"), rules)
        }
        assert found["雨水为何这么多"].by_rules and not found["网站导航"].by_rules
        assert found["雨水为何这么多"].features["rule"] == RULES_CHOICE and not found["网站导航"].features.get("rule")

    @pytest.mark.parametrize(
        "chrome",
        ["22 59", "(12)", "首页|艺术快讯|当代艺术", "读书 | 连载 | 书评 | 排行", "首页>>人物聚焦>>2005人物",
         "连载：乔冠华才情人生   出版社：团结出版社   作者：罗银胜"],
    )  # fmt: skip
    def test_chrome_shapes_no_headline_has_are_never_offered(self, rules, chrome):
        texts = [c.text for c in title_candidates(page([chrome, "雨水为何这么多"]), rules)]
        assert "雨水为何这么多" in texts
        assert not any(chrome in text for text in texts)

    def test_a_line_ending_in_a_colon_is_a_label_and_never_offered_alone(self, rules):
        texts = [c.text for c in title_candidates(page(["本站永久域名:", "雨水为何这么多"]), rules)]
        assert "雨水为何这么多" in texts and "本站永久域名:" not in texts

    @pytest.mark.parametrize(
        "headline", ["雨水为何这么多 | 本地新闻", "王文：中美贸易“持久战”，中国人的斗志被激发", "A股 > 港股？"]
    )
    def test_a_headline_with_one_bar_label_or_arrow_is_still_offered(self, rules, headline):
        assert headline in [c.text for c in title_candidates(page([headline]), rules)]


class TestThePage:
    """Where the reader takes the article text to start: the first line the layout kept, unless it is a stray."""

    @staticmethod
    def page_kept(texts: list[str], kept: list[int]) -> Page:
        lines = [Line(no, text) for no, text in enumerate(texts, start=1)]
        body = [line for line in lines if line.no - 1 in kept]
        return page_of(lines, body, {}, rule_title=None, rule_date=None, rule_outlet=None, reference=SAVED)

    def test_a_kept_slogan_far_above_the_text_is_passed_over_and_the_headline_offered(self, rules):
        sidebar = ["存档", *(f"2005年{m}月 ({m})" for m in range(1, STRAY_GAP + 1))]
        texts = ["共享二十年精彩风华！", *sidebar, "雨水为何这么多", *BODY]
        found = self.page_kept(texts, [0, len(texts) - 2, len(texts) - 1])
        assert found.lines[found.body_start] == BODY[0]
        assert "雨水为何这么多" in [c.text for c in title_candidates(found, rules)]

    def test_a_kept_line_close_to_the_text_or_a_paragraph_starts_it(self):
        near = ["导读：雨水为何这么多", "存档", "2005年1月 (1)", *BODY]
        assert self.page_kept(near, [0, 3, 4]).body_start == 0
        far = [BODY[1], *(f"2005年{m}月 ({m})" for m in range(1, STRAY_GAP + 2)), BODY[0]]
        assert self.page_kept(far, [0, len(far) - 1]).body_start == 0


class TestDateCandidates:
    def test_every_date_around_the_text_is_a_candidate_with_its_reading(self, rules):
        found = date_candidates(
            page(["今天是2005年8月20日", "雨水为何这么多", "发布时间：2005-08-12 16:12"], ["2005-08-13 09:00 评论"]),
            rules,
        )
        values = [c.value for c in found]
        assert dt.datetime(2005, 8, 12, 16, 12, tzinfo=BEIJING) in values
        assert dt.datetime(2005, 8, 13, 9, 0, tzinfo=BEIJING) in values
        labelled = next(c for c in found if c.value.day == 12)
        assert labelled.features["labelled"] == 1.0 and labelled.features["above_text"] == 1.0

    def test_a_signing_or_update_time_is_labelled_as_another_time_not_the_publication(self, rules):
        found = date_candidates(
            page(["雨水为何这么多", "成文日期：2005-08-11", "发布日期：2005-08-12", "最后更新: 2005-08-13 09:00"]),
            rules,
        )
        by_day = {c.value.day: c.features for c in found}
        assert by_day[12].get("labelled") == 1.0 and "other_labelled" not in by_day[12]
        for day in (11, 13):
            assert by_day[day]["other_labelled"] == 1.0 and "labelled" not in by_day[day]

    def test_the_first_date_below_the_text_is_marked_as_such(self, rules):
        stamps = ["〓 发布时间 2005/03/15 22:36 by 甲 〓", "写得真好", "〓 发布时间 2005/03/16 08:02 by 乙 〓"]
        found = {c.value.day: c.features for c in date_candidates(page(["雨水为何这么多"], stamps), rules)}
        assert found[15].get("first_after_text") == 1.0 and "first_after_text" not in found[16]

    def test_a_date_after_the_saving_time_is_marked_future(self, rules):
        (found,) = date_candidates(page(["雨水为何这么多", "2006-01-01 10:00"]), rules)
        assert found.features["future"] == 1.0


class TestOutletCandidates:
    def test_credits_wire_datelines_and_breadcrumbs_are_candidates(self, rules, outlets):
        header = ["天涯社区 > 经济论坛 > 帖子", "雨水为何这么多", "2005-08-12 16:12 来源：[ 人民网 ]"]
        found = {c.text: c.features for c in outlet_candidates(page(header, ["据新华社拉萨8月3日电"]), rules, outlets)}
        assert found["天涯社区"]["breadcrumb_first"] == 1.0
        assert "人民网" in found
        assert found["新华社"]["how:filed_closing"] == 1.0

    def test_buttons_home_links_reposting_notes_and_markup_are_no_outlets(self, rules, outlets):
        header = [
            "首页 > 娱乐 > 正文",
            "雨水为何这么多",
            "2005-08-12 16:12 来源：转载文章 | 点击此处收藏本文 | 申请版主",
            '<font size="20">',
        ]
        found = [c.text for c in outlet_candidates(page(header, ["【 回复本贴 】"]), rules, outlets)]
        assert not {"首页", "转载文章", "点击此处收藏本文", "申请版主", "回复本贴"} & set(found)
        assert not any("=" in name or '"' in name for name in found)
        assert "娱乐" in found  # what is left of the breadcrumb is still offered

    def test_each_of_the_outlets_a_reporter_credit_prints_together_is_a_credited_candidate(self, rules, outlets):
        found = {
            c.text: c.features
            for c in outlet_candidates(page(["雨水为何这么多"], ["新华日报·交汇点记者 徐睿翔"]), rules, outlets)
        }
        assert found["新华日报"]["how:byline_closing"] == 1.0
        assert found["交汇点"]["how:byline_closing"] == 1.0

    def test_an_abbreviation_or_note_in_brackets_after_a_name_is_cut(self, rules, outlets):
        found = [c.text for c in outlet_candidates(page(["关注中国中心（CCC）", "雨水为何这么多"]), rules, outlets)]
        assert "关注中国中心" in found
        assert not any("CCC" in name for name in found)

    def test_a_name_the_layout_read_as_the_author_is_marked_so(self, rules, outlets):
        lines = [
            Line(1, "雨水为何这么多"),
            Line(2, "2005-08-12 16:12　　作者：眉间尺"),
            *(Line(3 + n, t) for n, t in enumerate(BODY)),
        ]
        found_page = page_of(
            lines, lines[2:], {"author": "眉间尺"}, rule_title=None, rule_date=None, rule_outlet=None, reference=SAVED
        )
        found = {c.text: c.features for c in outlet_candidates(found_page, rules, outlets)}
        assert found["眉间尺"]["the_author"] == 1.0


class TestModel:
    def test_candidates_are_ranked_by_their_weighted_features(self, rules):
        model = HeaderModel({"title": FieldScorer({"first_line": 5.0, "bias": 0.0})})
        ranked = model.ranked(title_candidates(page(["雨水为何这么多", "网站导航"]), rules))
        assert ranked[0][1].text == "雨水为何这么多"
        assert ranked[0][0] > ranked[-1][0]

    def test_a_model_survives_its_json(self):
        model = HeaderModel({"date": FieldScorer({"labelled": 1.5}, 0.25)}, {"pages": 3})
        assert HeaderModel.from_json(model.to_json()) == model
