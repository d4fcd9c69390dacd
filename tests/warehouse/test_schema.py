"""The two descriptions of the warehouse agree: the DuckDB DDL (warehouse/schema/*.sql) and the Arrow
schemas batches are written to Parquet with (warehouse/records.py); and a document's text and
version are the same computed in Python and in SQL."""

import tempfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from zhnews.transforms.doc_text import DOCUMENT_TEXT_SQL, VERSION_SQL, document_text, version_of
from zhnews.warehouse import TIMEZONE
from zhnews.warehouse.records import BATCH_TABLES, VERSIONED_TABLES
from zhnews.warehouse.store import Warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    with Warehouse(tmp_path_factory.mktemp("schema")) as opened:
        yield opened.con


def ddl_columns(con, table):
    return [(name, type_) for name, type_, *_ in con.execute(f"DESCRIBE {table}").fetchall()]


def arrow_columns(con, schema):
    """The columns DuckDB reads from a batch's Parquet file of this Arrow schema, with DuckDB's types."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "batch.parquet"
        pq.write_table(schema.empty_table(), path)
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    return [(name, type_) for name, type_, *_ in rows]


@pytest.mark.parametrize("table", BATCH_TABLES)
def test_each_batch_table_has_the_ddls_columns_in_order_with_the_same_types(warehouse, table):
    loaded = [
        c for c in arrow_columns(warehouse, BATCH_TABLES[table]) if c[0] != "version" or table not in VERSIONED_TABLES
    ]
    assert loaded == ddl_columns(warehouse, table)


def test_the_analytics_and_entity_tables_carry_the_document_version_only_in_parquet(warehouse):
    for table in VERSIONED_TABLES:
        assert ("version", "VARCHAR") in arrow_columns(warehouse, BATCH_TABLES[table])
        assert "version" not in dict(ddl_columns(warehouse, table))


@pytest.mark.parametrize(
    ("title", "body"),
    [("北约秘书长吕特", "正文第一段\n第二段"), (None, "没有标题"), ("", ""), ("Ünïcode 標題", None), ("a\nb", "c")],
)
def test_the_document_text_and_version_are_the_same_in_python_and_in_duckdb(title, body):
    con = duckdb.connect()
    con.execute("CREATE TABLE d (title VARCHAR, body VARCHAR)")
    con.execute("INSERT INTO d VALUES (?, ?)", [title, body])
    text, version = con.execute(
        f"SELECT {DOCUMENT_TEXT_SQL.format(t='')}, {VERSION_SQL.format(t='d.')} FROM d"
    ).fetchone()
    assert (text, version) == (document_text(title, body), version_of(title, body))


def test_the_warehouse_session_and_views_use_the_one_time_zone(warehouse):
    assert warehouse.execute("SELECT current_setting('TimeZone')").fetchone()[0] == TIMEZONE
    views = warehouse.execute("SELECT string_agg(sql, ' ') FROM duckdb_views() WHERE NOT internal").fetchone()[0]
    assert f"'{TIMEZONE}'" in views and "{TIMEZONE}" not in views
