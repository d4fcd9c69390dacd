"""Publication times: Chinese date shapes to aware Beijing-time datetimes."""

import datetime as dt

import pytest
from zhnews.transforms.normalize.dates import BEIJING, date_shape, find_datetime, parse_datetime

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
