"""Credited outlets: the explicit 来源 credit, then the byline / date line, then the account, then the site.

The lines are those of whole-page copies of real news sites (../shared/realpages-dev)."""

import pytest
from zhnews.transforms.cleaners.metadata_lines import metadata_pairs
from zhnews.transforms.normalize.credits import Credit, credited_outlet, explicit_credit
from zhnews.transforms.normalize.outlets import OutletResolver


@pytest.fixture(scope="module")
def outlets(profiles):
    return OutletResolver(profiles.outlet_aliases())


@pytest.fixture(scope="module")
def rules(profiles):
    return profiles.rulebook_for([])


@pytest.fixture(scope="module")
def credit(rules, outlets):
    def read(header, body=("正文第一段。",), after=(), site=None):
        return credited_outlet(header, body, after, rules=rules, outlets=outlets, site=site)

    return read


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("2019-09-07 13:43:45\u3000来源: 证券市场红周刊 举报", "证券市场红周刊"),
        ("发表于2014-08-24 21:30| 1164次阅读| 来源CSDN| 0 条评论| 作者魏星", "CSDN"),  # no colon, one `|` part
        ("\u3000 来源于：东区办事处 \u3000", "东区办事处"),
        ("本文来源：证券市场红周刊 责任编辑：杨倩_NF4425", "证券市场红周刊"),
        ("2019-09-26 12:11来源：证券时报网作者：李在山", "证券时报网"),  # a label glued after the outlet
        ("时间：2019-09-18 06:23 来源： 山西日报", "山西日报"),
        ("2019年06月15日08:18\xa0\xa0来源：人民网-文化频道", "人民网"),  # outlet and channel: the outlet
        ("2019-08-13 14:07来源：澎湃新闻·澎湃号·政务", "澎湃新闻"),
        ("2019-09-07 09:25:09 字号：A- A A+ 来源：EETOP", "EETOP"),
    ],
)
def test_an_explicit_credit_names_its_outlet(rules, outlets, line, outlet):
    assert explicit_credit(line, rules) == outlet


@pytest.mark.parametrize(
    "line", ["来源：网络", "信息来源于网络", "来源：本站原创", "图片来源：视觉中国", "（资料来源：参考消息、海外网等）"]
)
def test_credits_naming_no_outlet_and_picture_or_fact_credits_are_not_outlet_credits(rules, outlets, line):
    assert explicit_credit(line, rules) is None


def test_two_pairs_on_one_line_are_both_read():
    assert metadata_pairs("本文来源：证券市场红周刊 责任编辑：杨倩_NF4425") == [
        ("source", "证券市场红周刊"),
        ("editor", "杨倩_NF4425"),
    ]
    assert metadata_pairs("来源于：东区办事处") == [("source", "东区办事处")]


def test_the_header_credit_beats_an_in_body_caption_credit(credit):
    header = ["女警打百个电话遭停机 评:运营商识别诈骗智商感人", "2019-09-07 16:28:35\u3000来源: 新京报 举报"]
    body = ["女民警1天拨100个电话，被电信停机", "（来源：梨视频）", "认定诈骗和骚扰，不能省略必要的核实程序。"]
    assert credit(header, body) == Credit("新京报", "credit")


def test_a_caption_credit_inside_the_body_credits_nothing(credit):
    body = ["女民警1天拨100个电话，被电信停机", "（来源：梨视频）", "第一段。", "第二段。", "第三段。"]
    assert credit(["某标题", "2019-09-07 16:28"], body) is None


def test_a_credit_closing_the_body_beats_the_account_on_the_date_line(credit):
    header = [
        "5月20日至31日，京沪高速无锡至江阴大桥至广陵枢纽段封闭！",
        "2019-05-17 · 苏皖城市报道",
        "分享到",
        "19 跟贴",
    ]
    body = ["\u3000\u3000请大家互相转告通知，", "\u3000\u3000平安出行，安全到家。"]
    assert credit(header, body, after=["\u3000\u3000来源：无锡交警", "特别声明：以上内容…"]) == Credit(
        "无锡交警", "credit"
    )
    assert credit(header, [*body, "\u3000\u3000来源：无锡交警"]) == Credit("无锡交警", "credit")
    assert credit(header, body).outlet == "苏皖城市报道"  # without the credit: the name beside the date


@pytest.mark.parametrize(
    ("header", "outlet", "how"),
    [
        (["标题", "石佳/中国青年报", "2019-09-24 09:10", "字号"], "中国青年报", "byline"),  # outlet after the slash
        (["标题", "新华社", "2020-01-03 18:13", "字号"], "新华社", "byline"),
        (["标题", "澎湃新闻记者 贺梨萍", "2020-06-06 10:08"], "澎湃新闻", "byline"),
        (["标题", "2019-09-05 11:10 游民星空[整理] 1"], "游民星空", "byline"),
        # 百家号: the account between title and date; what is glued to the date is a badge or a company
        (["标题", "加拿大必读", "发布时间：10-0812:00优质原创作者"], "加拿大必读", "account"),
        (["标题", "体育教科书", "发布时间：18-03-0823:16"], "体育教科书", "account"),
        (["标题", "某某汽车", "发布时间：09-3022:46青岛软媒网络科技有限公司"], "某某汽车", "account"),
        # WeChat: the account is the last name before the date, after the badge and the author
        (["标题", "原创 kingname 未闻Code 前天", "摄影：产品经理"], "未闻Code", "account"),
        (["标题", "爱否科技 昨天"], "爱否科技", "account"),
    ],
)
def test_without_a_credit_the_byline_or_date_line_outlet_then_the_account(credit, header, outlet, how):
    assert credit(header) == Credit(outlet, how)


def test_a_byline_outlet_beats_the_account_and_a_credit_beats_both(credit):
    assert credit(["标题", "某某号", "新华社", "2020-01-03 18:13"]).outlet == "新华社"
    assert credit(["标题", "新华社", "2020-01-03 18:13 来源：人民网"]).outlet == "人民网"


def test_a_person_named_alone_is_no_account(credit):
    assert credit(["标题", "王文", "2019-09-07 09:25"]) is None


def test_the_site_name_is_the_last_resort(credit):
    site = "中国载人航天工程官方网站"  # the layout reads it from the copyright footer (common.toml site_credit)
    header = [
        "天宫一号与神舟九号载人交会对接任务第二场新闻发布会",
        "发布日期: 2012-06-24",
        "字号: [大] [中] [小] [打印]",
    ]
    assert credit(header, site=site) == Credit("中国载人航天工程官方网站", "site")
    assert credit(["标题", "来源：本站原创", "2019-03-06"], site="某某网") == Credit("某某网", "site")


def test_the_account_a_follow_button_names_beats_a_label_above_it(credit):
    header = [
        "冬季流感高峰将至，这几点防护建议请收好",
        "头条文章",
        "健康科普君",
        "+关注",
        "2025-11-20 09:30 发布于 北京",
    ]
    assert credit(header) == Credit("健康科普君", "account")


def test_an_account_found_elsewhere_comes_after_the_byline_and_before_the_site(credit, rules, outlets):
    header = ["从三季报看白酒行业：库存去化仍需时间"]
    assert credited_outlet(header, [], rules=rules, outlets=outlets, account="价投老周", site="雪球") == Credit(
        "价投老周", "account"
    )
    assert credited_outlet(
        ["标题", "新华社", "2020-01-03"], [], rules=rules, outlets=outlets, account="价投老周"
    ) == Credit("新华社", "byline")
