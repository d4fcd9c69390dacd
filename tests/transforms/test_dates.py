"""Publication times: Chinese date shapes to aware Beijing-time datetimes."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from zhnews.transforms.normalize import dates
from zhnews.transforms.normalize.dates import (
    BEIJING,
    date_shape,
    find_datetime,
    find_datetimes,
    may_hold_date,
    parse_datetime,
)

from tests.transforms.test_page_kinds import SAVED, at


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-02 21:32:06", dt.datetime(2025, 12, 2, 21, 32, 6)),
        ("2025-12-02 21:32", dt.datetime(2025, 12, 2, 21, 32)),
        ("2025/12/02 21:32", dt.datetime(2025, 12, 2, 21, 32)),
        ("2025.12.2", dt.datetime(2025, 12, 2)),
        ("2025年12月2日 21:32", dt.datetime(2025, 12, 2, 21, 32)),
        ("2025年12月02日21:32", dt.datetime(2025, 12, 2, 21, 32)),
        ("2025年12月2日 星期二 21:32", dt.datetime(2025, 12, 2, 21, 32)),
    ],
)
def test_whole_date_strings_parse_as_beijing_time(text, expected):
    assert parse_datetime(text) == expected.replace(tzinfo=BEIJING)


def test_parsed_times_are_timezone_aware_utc_plus_8():
    value = parse_datetime("2026-01-03 22:40")
    assert value.utcoffset() == dt.timedelta(hours=8)
    assert value.astimezone(dt.UTC).hour == 14


def test_month_day_needs_a_reference_year():
    assert find_datetime("12月2日 21:32") is None
    value, _ = find_datetime("12月2日 21:32", reference=dt.date(2025, 12, 20))
    assert value == dt.datetime(2025, 12, 2, 21, 32, tzinfo=BEIJING)


def test_a_month_day_later_than_the_saving_date_is_last_years():
    saved = dt.date(2026, 1, 5)
    assert find_datetime("12月28日", reference=saved)[0] == dt.datetime(2025, 12, 28, tzinfo=BEIJING)
    assert find_datetime("1月6日", reference=saved)[0].year == 2026  # one day of slack for clocks


SAVED_AT = dt.datetime(2025, 11, 21, 10, 30, 12, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3小时前", dt.datetime(2025, 11, 21, 7, 30)),
        ("45分钟前", dt.datetime(2025, 11, 21, 9, 45)),
        ("1天前", dt.datetime(2025, 11, 20)),
        ("昨天 16:20", dt.datetime(2025, 11, 20, 16, 20)),
        ("前天", dt.datetime(2025, 11, 19)),
    ],
)
def test_relative_stamps_are_read_back_from_the_saving_time_to_the_minute(text, expected):
    value, match = find_datetime(text, reference=SAVED_AT)
    assert value == expected.replace(tzinfo=BEIJING)
    assert match.group(0) == text


def test_hours_ago_need_the_saving_time_not_just_its_date():
    assert find_datetime("3小时前") is None
    assert find_datetime("3小时前", reference=SAVED_AT.date()) is None
    assert find_datetime("2天前", reference=SAVED_AT.date())[0] == dt.datetime(2025, 11, 19, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("2025-11-12", "full"),
        ("11月18日", "yearless"),
        ("3小时前", "yearless"),
        ("昨天 16:20", "yearless"),
        ("3小时", None),
    ],
)
def test_a_date_shape_is_recognized_without_resolving_it(text, shape):
    assert date_shape(text) == shape


def test_a_line_with_more_than_a_date_is_not_a_date_but_contains_one():
    assert parse_datetime("2025-12-02 21:32 来源：新华社") is None
    value, match = find_datetime("2025-12-02 21:32 来源：新华社")
    assert value.day == 2 and match.group(0).strip() == "2025-12-02 21:32"


def test_impossible_dates_are_rejected():
    assert parse_datetime("2025-02-30") is None


def _beijing(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BEIJING)


# Date lines as whole-page copies of real sites print them (../shared/realpages-dev), the time the page was
# saved, and the publication time the page means.
@pytest.mark.parametrize(
    ("line", "saved", "expected"),
    [
        # parts of the line separated by an ideographic space (NetEase)
        ("2019-09-07 13:43:45\u3000来源: 新京报 举报", _beijing(2019, 9, 8, 12), _beijing(2019, 9, 7, 13, 43, 45)),
        # no year, the month-day glued to the time, a badge or the account's company glued after (百家号)
        ("发布时间：10-0812:00优质原创作者", _beijing(2019, 10, 9, 12), _beijing(2019, 10, 8, 12)),
        ("发布时间：09-3022:46青岛软媒网络科技有限公司", _beijing(2019, 10, 1, 12), _beijing(2019, 9, 30, 22, 46)),
        ("发布时间：01-1417:58", _beijing(2020, 1, 15, 12), _beijing(2020, 1, 14, 17, 58)),
        # a two-digit year, the time glued to the day
        ("发布时间：18-03-0823:16", _beijing(2020, 3, 9, 12), _beijing(2018, 3, 8, 23, 16)),
        # a label glued before the date, `|`-separated credits after it (CSDN)
        (
            "发表于2014-08-24 21:30| 1164次阅读| 来源CSDN| 0 条评论| 作者魏星",
            _beijing(2014, 8, 25),
            _beijing(2014, 8, 24, 21, 30),
        ),
        # a date without a time is that day's 00:00
        ("2019-05-17 · 苏皖城市报道", _beijing(2019, 5, 18, 12), _beijing(2019, 5, 17)),
        ("发布日期: 2012-06-24", _beijing(2012, 6, 25, 12), _beijing(2012, 6, 24)),
        ("发布日期：2019-03-06 责任编辑：龙慧", _beijing(2019, 3, 7, 12), _beijing(2019, 3, 6)),
        # a day word, alone or after the account's name (WeChat, readhub): that day's 00:00
        ("昨天", _beijing(2019, 9, 8, 12), _beijing(2019, 9, 7)),
        ("爱否科技 昨天", _beijing(2020, 2, 13, 12), _beijing(2020, 2, 12)),
        ("原创 kingname 未闻Code 前天", _beijing(2020, 2, 13, 12), _beijing(2020, 2, 11)),
        # the credit after the time, with or without a space
        ("2019-08-13 14:07 来源：澎湃新闻·澎湃号·政务", _beijing(2019, 8, 14, 12), _beijing(2019, 8, 13, 14, 7)),
        ("2019-09-26 12:11来源：证券时报网作者：李在山", _beijing(2019, 9, 27, 12), _beijing(2019, 9, 26, 12, 11)),
        ("2019年06月15日08:18\xa0\xa0来源：人民网-文化频道", _beijing(2019, 6, 16, 12), _beijing(2019, 6, 15, 8, 18)),
        ("2019-09-05 11:10 游民星空[整理] 1", _beijing(2019, 9, 6, 12), _beijing(2019, 9, 5, 11, 10)),
    ],
)
def test_date_lines_of_real_pages_read_against_the_saving_time(line, saved, expected):
    assert find_datetime(line, saved)[0] == expected


def test_a_glued_month_day_later_than_the_saving_date_is_last_years():
    assert find_datetime("发布时间：12-3022:46", _beijing(2020, 1, 2, 12))[0] == _beijing(2019, 12, 30, 22, 46)


def test_a_two_digit_year_needs_no_saving_time_but_a_time_of_day():
    assert find_datetime("18-03-08 23:16")[0] == _beijing(2018, 3, 8, 23, 16)
    assert date_shape("18-03-0823:16") == "full"
    assert find_datetime("比分 18-03-08") is None  # no time: a score or a code, not a date


@pytest.mark.parametrize("text", ["1-0812:00", "10-812:00", "第3-1012:00号", "电话 010-6512:3456"])
def test_a_glued_month_day_needs_two_digits_each(text):
    assert find_datetime(text, _beijing(2019, 12, 1)) is None


MAX_DATE_LINE = 80
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


# each set's pages of other sites; realpages-dev2's gold leaves a page undated where its key gives no day
@pytest.mark.parametrize("realpages", [SHARED / "realpages-dev", SHARED / "realpages-dev2"], ids=lambda p: p.name)
def test_every_real_page_prints_its_gold_date_on_a_line_read_against_its_saving_time(realpages):
    if not (realpages / "gold.json").exists():
        pytest.skip(f"../shared/{realpages.name} is not beside the project")
    gold = json.loads((realpages / "gold.json").read_text(encoding="utf-8"))
    unread = []
    for entry in gold["files"]:
        saved = dt.datetime.fromisoformat(entry["saved_at"])
        lines = (realpages / "dumps" / entry["file"]).read_text(encoding="utf-8-sig").split("\n")
        for document in (d for d in entry["documents"] if d["published_at"]):
            expected = dt.datetime.fromisoformat(document["published_at"])
            read = (find_datetime(line, saved) for line in lines if len(line.strip()) <= MAX_DATE_LINE)
            if not any(found and found[0] == expected for found in read):
                unread.append((entry["file"], document["published_at"]))
    assert unread == []


@pytest.mark.parametrize(
    ("account_line", "author", "account", "published"),
    [
        ("爱否科技 昨天", None, "爱否科技", _beijing(2020, 2, 12)),
        ("原创 kingname 未闻Code 前天", "kingname", "未闻Code", _beijing(2020, 2, 11)),
        ("原创 周一鸣 沪上体育汇 2020年2月10日 20:15 上海", "周一鸣", "沪上体育汇", _beijing(2020, 2, 10, 20, 15)),
    ],
)
def test_a_wechat_post_is_dated_by_a_day_word_against_the_saving_time(
    processor, account_line, author, account, published
):
    page = (
        f"三星 Galaxy S20 系列手机正式发布\n{account_line}\n今天凌晨，三星在美国旧金山举行发布会，正式发布新机。\n"
        "此次发布的三款手机配置十分出色。\n微信扫一扫\n关注该公众号"
    )
    doc = processor.process(page, _beijing(2020, 2, 13, 12)).documents[0]
    assert (doc.author, doc.source, doc.published_at) == (author, account, published)


def test_a_month_day_stamp_needs_a_time_to_be_a_date():
    assert find_datetime("11-25 21:36", SAVED)[0] == at("2025-11-25 21:36")
    assert find_datetime("比分 3-1", SAVED) is None
    assert find_datetime("11-25 21:36") is None  # no saving time, no year


def test_a_weekday_in_brackets_between_date_and_time_keeps_the_time():
    assert find_datetime("2025年11月25日(星期二) 14:32")[0] == at("2025-11-25 14:32")
    assert find_datetime("2025年11月25日（週二） 14:32")[0] == at("2025-11-25 14:32")


def test_a_bare_month_day_is_a_date_only_after_a_publication_label():
    assert find_datetime("编辑于 11-23 浙江", SAVED)[0] == at("2025-11-23 00:00")
    assert find_datetime("编辑于 12-28", SAVED)[0] == at("2024-12-28 00:00")  # no future dates
    assert find_datetime("11-23", SAVED) is None
    assert find_datetime("比分3-1", SAVED) is None


def test_a_12_hour_clock_reads_its_half_of_the_day():
    assert find_datetime("2025年11月25日 週二 下午2:32")[0] == at("2025-11-25 14:32")
    assert find_datetime("2025年11月25日 上午9:05")[0] == at("2025-11-25 09:05")
    assert find_datetime("2025年11月25日 晚上8:10")[0] == at("2025-11-25 20:10")
    assert find_datetime("2025年11月25日 下午12:30")[0] == at("2025-11-25 12:30")
    assert find_datetime("2025-11-25 14:32")[0] == at("2025-11-25 14:32")


# Western shapes: numeric dates with day and month in either order, English month names, 12-hour clocks.


def test_a_month_first_date_with_a_12_hour_clock_reads_am_and_pm():
    assert find_datetime("发布日期： 7/5/2005 9:23:57 PM")[0] == _beijing(2005, 7, 5, 21, 23, 57)
    assert find_datetime("9/17/2004 5:54:13 AM")[0] == _beijing(2004, 9, 17, 5, 54, 13)
    assert find_datetime("9/17/2004 12:05 AM")[0] == _beijing(2004, 9, 17, 0, 5)
    assert find_datetime("9/17/2004 12:05 PM")[0] == _beijing(2004, 9, 17, 12, 5)


def test_a_day_first_date_with_its_time_after_a_dash():
    value, match = find_datetime("发表时间： 06/02/2022 - 13:48")
    assert (value, match.group(0)) == (_beijing(2022, 2, 6, 13, 48), "06/02/2022 - 13:48")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9/17/2004", _beijing(2004, 9, 17)),  # 17 is no month
        ("13/02/2022", _beijing(2022, 2, 13)),
        ("13.02.2022", _beijing(2022, 2, 13)),
        ("13-02-2022", _beijing(2022, 2, 13)),
    ],
)
def test_a_numeric_date_with_a_part_above_12_has_one_reading(text, expected):
    assert parse_datetime(text) == expected


def test_an_ambiguous_numeric_date_is_not_read_later_than_the_saving_time():
    assert find_datetime("06/02/2022 - 13:48", _beijing(2022, 2, 7, 12))[0] == _beijing(2022, 2, 6, 13, 48)
    assert find_datetime("7/5/2005", _beijing(2005, 5, 8, 12))[0] == _beijing(2005, 5, 7)  # 5 July is to come


def test_an_ambiguous_numeric_date_shortly_before_the_saving_time_is_the_later_reading():
    assert find_datetime("7/5/2005", _beijing(2005, 7, 6, 12))[0] == _beijing(2005, 7, 5)  # not 7 May
    assert find_datetime("02/03/2020", _beijing(2020, 3, 5, 12))[0] == _beijing(2020, 3, 2)  # not 3 February


def test_an_ambiguous_numeric_date_far_from_the_saving_time_is_read_by_its_shape():
    long_after = _beijing(2026, 1, 1)
    # an AM/PM clock: month first, as US-locale software prints it
    assert find_datetime("7/5/2005 9:23:57 PM", long_after)[0] == _beijing(2005, 7, 5, 21, 23, 57)
    # a 24-hour clock or none: day first
    assert find_datetime("07/05/2005 - 21:23", long_after)[0] == _beijing(2005, 5, 7, 21, 23)
    assert find_datetime("10.09.2005", long_after)[0] == _beijing(2005, 9, 10)
    assert find_datetime("10.09.2005")[0] == _beijing(2005, 9, 10)  # no saving time: the same


def test_a_page_that_prints_unambiguous_numeric_dates_reads_its_ambiguous_ones_the_same_way():
    day_first = "发表时间： 06/02/2022 - 13:48\n相关新闻\n13/02/2022\n12/02/2022"
    assert [value for value, _ in find_datetimes(day_first)] == [
        _beijing(2022, 2, 6, 13, 48),
        _beijing(2022, 2, 13),
        _beijing(2022, 2, 12),
    ]
    month_first = "发布日期： 12/05/2005 - 21:23\n上一篇 9/17/2004"
    assert find_datetimes(month_first)[0][0] == _beijing(2005, 12, 5, 21, 23)


def test_a_two_digit_year_between_slashes_is_month_first_and_needs_a_time_beside_it():
    assert find_datetime("许先生著作 [图] 大卫 20:02:45 9/12/05 (75)")[0] == _beijing(2005, 9, 12, 20, 2, 45)
    assert find_datetime("5/23/06 09:02")[0] == _beijing(2006, 5, 23, 9, 2)
    assert find_datetime("约 1/2/03") is None  # no time: a fraction or a code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saturday, September 10th, 2005 \xa0 10:56 am", _beijing(2005, 9, 10, 10, 56)),
        ("September 19th, 2005 at 7:32 pm", _beijing(2005, 9, 19, 19, 32)),
        ("September 10, 2005", _beijing(2005, 9, 10)),
        ("Sep 10, 2005", _beijing(2005, 9, 10)),
        ("Sept. 10, 2005", _beijing(2005, 9, 10)),
        ("SEP 10 2005", _beijing(2005, 9, 10)),
        ("10 September 2005", _beijing(2005, 9, 10)),
        ("Sat, 10th of September, 2005", _beijing(2005, 9, 10)),
        ("10-Sep-2005 08:15", _beijing(2005, 9, 10, 8, 15)),
    ],
)
def test_english_dates_with_month_names_in_either_order(text, expected):
    assert parse_datetime(text) == expected


def test_a_month_and_year_without_a_day_is_not_a_date():
    assert find_datetime("December 2005") is None
    assert find_datetime("Vol. 8 No. 2 (May 2018)") is None


def test_a_time_glued_to_the_day_inside_a_sentence():
    found = find_datetime("本贴由大卫于2005年8月12日16:12:21在〖心灵体操（在线心理咨询）〗发表.")
    assert (found[0], found[1].group(0)) == (_beijing(2005, 8, 12, 16, 12, 21), "2005年8月12日16:12:21")


def test_am_and_pm_after_a_year_first_date():
    assert find_datetime("2005-09-07 1:57 PM")[0] == _beijing(2005, 9, 7, 13, 57)
    assert find_datetime("发表于2005年09月07日 11:57 AM")[0] == _beijing(2005, 9, 7, 11, 57)
    assert find_datetime("2025-01-02 10:30 PM2.5指数")[0] == _beijing(2025, 1, 2, 10, 30)  # PM2.5 is no half


@pytest.mark.parametrize("text", ["v1.2.2005", "Copyright © 1996 - 2005", "联系电话：010-8448-2005", "1993-2003年"])
def test_versions_ranges_and_phone_numbers_are_not_numeric_dates(text):
    assert find_datetime(text) is None


# Every date of a text, for the header reader's candidates.


def test_every_date_in_a_text_is_listed_in_the_order_printed_with_its_span():
    page = "2025年11月25日 14:32 来源：新华社\n更新于 November 26, 2025\n评论 昨天 16:20"
    found = find_datetimes(page, _beijing(2025, 11, 27, 12))
    assert [(value, match.group(0)) for value, match in found] == [
        (_beijing(2025, 11, 25, 14, 32), "2025年11月25日 14:32"),
        (_beijing(2025, 11, 26), "November 26, 2025"),
        (_beijing(2025, 11, 26, 16, 20), "昨天 16:20"),
    ]


def test_a_date_inside_another_is_listed_once():
    found = find_datetimes("2025年11月25日(星期二) 14:32", SAVED)  # `11月25日` is a month-day too
    assert [match.group(0) for _, match in found] == ["2025年11月25日(星期二) 14:32"]


def test_yearless_and_relative_dates_are_listed_only_against_a_saving_time():
    text = "11月18日 3小时前 2025-11-12"
    assert [value for value, _ in find_datetimes(text)] == [_beijing(2025, 11, 12)]
    assert len(find_datetimes(text, SAVED_AT)) == 3


def test_find_datetimes_prefers_a_date_with_its_time_to_a_labelled_month_day_inside_it():
    saved = dt.datetime(2025, 11, 26, 9, tzinfo=BEIJING)
    ((when, match),) = find_datetimes("发布于11-25 21:36 · 来自雪球", saved)
    assert when == dt.datetime(2025, 11, 25, 21, 36, tzinfo=BEIJING)
    assert match.group(0).strip() == "11-25 21:36"


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_the_quick_check_never_hides_a_date_that_the_shapes_read(monkeypatch):
    """`find_datetime(s)` first asks `may_hold_date`; with the check made to pass every line, every line of the
    annotated pages (hundreds of date shapes, and thousands of lines with none) reads the same."""
    lines = {
        line.strip()
        for path in FIXTURES.rglob("*.txt")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip()
    }
    saved = _beijing(2020, 5, 1, 12)

    def readings() -> dict[str, tuple]:
        return {
            line: tuple((found, match.span()) for found, match in find_datetimes(line, saved))
            + tuple((found and (found[0], found[1].span()),) for found in [find_datetime(line, saved)])
            for line in lines
        }

    assert sum(not may_hold_date(line) for line in lines) > len(lines) / 2  # the check answers most lines
    checked = readings()
    monkeypatch.setattr(dates, "_MAY_HOLD_DATE", re.compile(""))  # matches everywhere: no line skipped
    unchecked = readings()
    assert sum(bool(r[0]) for r in unchecked.values()) > 300  # ... among lines with many dates
    assert checked == unchecked
