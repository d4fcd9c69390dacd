"""Compare the data tables of two zhnews warehouses row for row (EXCEPT ALL, both directions).

Used to check that a change to the pipeline leaves its output identical: ingest the same inputs
with the old and the new code into two data dirs, then

    .venv/bin/python bench/compare_warehouses.py OLD_DATA_DIR NEW_DATA_DIR

prints, per table, the row counts and the rows only one side has (a few of each), and exits 1
when any table differs. Columns that describe a load rather than its data (load ids, times,
`files.mtime_ns`) are left out; `--ignore TABLE.COLUMN` leaves out more (e.g. `files.path` when
the two runs read copies of the inputs from different folders).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
from zhnews.warehouse import DB_NAME

# Data tables, compared on all their columns but the ignored ones.
TABLES = (
    "files",
    "documents",
    "sightings",
    "removed_lines",
    "line_hashes",
    "doc_terms",
    "doc_keywords",
    "doc_signatures",
    "doc_stories",
)
IGNORED = {"files": ("mtime_ns",)}
SHOWN = 3  # differing rows printed per table and direction


def warehouse_file(data_dir: str) -> Path:
    """The DuckDB file of a data dir (or the file itself when given one)."""
    path = Path(data_dir)
    return path / DB_NAME if path.is_dir() else path


def compared_columns(con: duckdb.DuckDBPyConnection, table: str, ignored: set[str]) -> list[str]:
    """The columns of `table` that both warehouses have, minus the ignored ones."""
    columns = []
    for side in ("old", "new"):
        rows = con.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position",
            [side, table],
        ).fetchall()
        columns.append([name for (name,) in rows])
    old, new = columns
    missing = set(old) ^ set(new)
    if missing:
        print(f"  {table}: columns only on one side, not compared: {', '.join(sorted(missing))}")
    return [c for c in old if c in new and c not in ignored]


def only_in(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], side: str, other: str) -> tuple[int, list]:
    """How many rows of `side`'s table `other` lacks (as a multiset), and the first few of them."""
    cols = ", ".join(f'"{c}"' for c in columns)
    query = f"SELECT {cols} FROM {side}.{table} EXCEPT ALL SELECT {cols} FROM {other}.{table}"
    count = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
    sample = con.execute(f"{query} LIMIT {SHOWN}").fetchall() if count else []
    return count, sample


def compare(old_dir: str, new_dir: str, ignore: list[str] = ()) -> bool:
    """Print the comparison of every data table; True when all are identical."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse_file(old_dir)}' AS old (READ_ONLY)")
    con.execute(f"ATTACH '{warehouse_file(new_dir)}' AS new (READ_ONLY)")
    ignored: dict[str, set[str]] = {t: set(IGNORED.get(t, ())) for t in TABLES}
    for item in ignore:
        table, _, column = item.partition(".")
        ignored.setdefault(table, set()).add(column)
    identical = True
    for table in TABLES:
        columns = compared_columns(con, table, ignored[table])
        counts = [con.execute(f"SELECT count(*) FROM {side}.{table}").fetchone()[0] for side in ("old", "new")]
        old_only, old_sample = only_in(con, table, columns, "old", "new")
        new_only, new_sample = only_in(con, table, columns, "new", "old")
        same = not old_only and not new_only
        identical &= same
        verdict = "identical" if same else f"DIFFERENT: {old_only} rows only in old, {new_only} only in new"
        print(f"{table:15} rows {counts[0]:>9} / {counts[1]:>9}  {verdict}")
        for label, sample in (("old", old_sample), ("new", new_sample)):
            for row in sample:
                print(f"    only in {label}: {str(row)[:300]}")
    return identical


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="data dir (or .duckdb file) of the reference run")
    parser.add_argument("new", help="data dir (or .duckdb file) of the run to check")
    parser.add_argument("--ignore", action="append", default=[], metavar="TABLE.COLUMN", help="also leave out")
    args = parser.parse_args(argv)
    identical = compare(args.old, args.new, args.ignore)
    print("all data tables identical" if identical else "the warehouses differ")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
