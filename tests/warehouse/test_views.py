"""The BI views: counts arrive as integers in pandas and BI tools."""

import pandas as pd
from zhnews.warehouse.store import Warehouse

from tests.warehouse.test_store import doc, load, rows
from tests.warehouse.test_store_analytics import with_analytics


def test_no_view_column_is_hugeint(tmp_path):
    """DuckDB's sum() of integers is HUGEINT, which pandas reads as float64: every view casts its counts."""
    with Warehouse(tmp_path) as warehouse:
        columns = warehouse.con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)"
        ).fetchall()
    assert {view for view, _, _ in columns} >= {"v_documents", "v_daily_by_source", "v_term_trends", "v_stories"}
    assert [c for c in columns if "HUGEINT" in c[2]] == []


def test_view_counts_arrive_in_pandas_as_integers(tmp_path):
    load(tmp_path, "k1", with_analytics(rows("f1", [doc("a", "日美同盟 特朗普 日美同盟"), doc("b", "特朗普 访问")])))
    with Warehouse(tmp_path, read_only=True) as warehouse:
        daily = warehouse.con.execute("SELECT * FROM v_daily_by_source").df()
        trends = warehouse.con.execute("SELECT * FROM v_term_trends").df()
    assert pd.api.types.is_integer_dtype(daily["chars"]) and pd.api.types.is_integer_dtype(daily["documents"])
    assert pd.api.types.is_integer_dtype(trends["occurrences"]) and len(trends) > 0
