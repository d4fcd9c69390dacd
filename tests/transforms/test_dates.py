"""Publication times: Chinese date shapes to aware Beijing-time datetimes."""

import datetime as dt

import pytest

from transforms.normalize.dates import BEIJING, find_datetime, parse_datetime


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
    value, _ = find_datetime("12月2日 21:32", reference=dt.date(2025, 6, 1))
    assert value == dt.datetime(2025, 12, 2, 21, 32, tzinfo=BEIJING)


def test_a_line_with_more_than_a_date_is_not_a_date_but_contains_one():
    assert parse_datetime("2025-12-02 21:32 来源：新华社") is None
    value, match = find_datetime("2025-12-02 21:32 来源：新华社")
    assert value.day == 2 and match.group(0).strip() == "2025-12-02 21:32"


def test_impossible_dates_are_rejected():
    assert parse_datetime("2025-02-30") is None
