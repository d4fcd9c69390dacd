"""The warehouse loads batches atomically and idempotently."""

import datetime as dt
import subprocess
import sys

import duckdb
import pytest
from zhnews.warehouse import DB_NAME
from zhnews.warehouse.parquet import write_batch
from zhnews.warehouse.store import Warehouse


def doc(doc_id, body, kind="snippet"):
    return {
        "doc_id": doc_id,
        "title": "标题",
        "source": "新华社",
        "source_raw": "Xin Hua She",
        "published_at": dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.UTC),
        "body": body,
        "body_kind": kind,
        "truncated": False,
        "topic": None,
        "author": None,
        "layout": "search_listing",
        "flags": [],
        "extra": [],
        "char_count": len(body),
    }


def file_row(file_id, digest="h1"):
    return {
        "file_id": file_id,
        "path": f"/in/{file_id}.txt",
        "size_bytes": 10,
        "content_hash": digest,
        "encoding": "utf-8",
        "encoding_confidence": 1.0,
        "layout": "search_listing",
        "profiles": ["common"],
        "status": "loaded",
        "reason": None,
        "doc_count": 1,
    }


def rows(file_id, docs, digest="h1"):
    return {
        "files": [file_row(file_id, digest)],
        "documents": docs,
        "sightings": [
            {"doc_id": d["doc_id"], "file_id": file_id, "ordinal": i + 1, "layout": "x", "topic": None}
            for i, d in enumerate(docs)
        ],
        "removed_lines": [{"file_id": file_id, "line_no": 1, "text": "Search documents", "rule": "listing_chrome"}],
    }


def load(tmp_path, key, batch):
    with Warehouse(tmp_path) as wh:
        return wh.load_batch(write_batch(tmp_path, key, batch, "load1"))


def count(tmp_path, table):
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_loading_the_same_batch_twice_changes_nothing(tmp_path):
    batch = rows("f1", [doc("d1", "正文一"), doc("d2", "正文二")])
    assert load(tmp_path, "k1", batch) == 2
    assert load(tmp_path, "k1", batch) == 0
    assert [count(tmp_path, t) for t in ("files", "documents", "sightings", "removed_lines")] == [1, 2, 2, 1]


def test_a_document_seen_in_two_files_is_one_document_with_two_sightings(tmp_path):
    load(tmp_path, "k1", rows("f1", [doc("d1", "短")]))
    load(tmp_path, "k2", rows("f2", [doc("d1", "长一些的正文")]))
    assert count(tmp_path, "documents") == 1
    assert count(tmp_path, "sightings") == 2
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT body FROM documents").fetchone()[0] == "长一些的正文"


def test_the_kept_version_does_not_depend_on_load_order(tmp_path):
    load(tmp_path, "k2", rows("f2", [doc("d1", "长一些的正文")]))
    load(tmp_path, "k1", rows("f1", [doc("d1", "短")]))
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT body FROM documents").fetchone()[0] == "长一些的正文"


def test_a_changed_file_replaces_its_sightings_and_drops_orphaned_documents(tmp_path):
    load(tmp_path, "k1", rows("f1", [doc("d1", "旧正文")]))
    load(tmp_path, "k2", rows("f1", [doc("d9", "新正文")], digest="h2"))
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT doc_id FROM documents").fetchall() == [("d9",)]
    assert con.execute("SELECT content_hash FROM files").fetchall() == [("h2",)]


def entities_of(docs, rules="rules-1"):
    """A batch's entity rows for these documents: each one names the place its body starts with."""
    from zhnews.transforms.doc_text import version_of
    from zhnews.transforms.entities import Entity
    from zhnews.warehouse.records import entity_tables

    found = [[Entity(d["body"][:2], d["body"][:2], "place", 1, False)] for d in docs]
    return entity_tables([d["doc_id"] for d in docs], [version_of(d["title"], d["body"]) for d in docs], found, rules)


def test_a_batch_brings_the_entities_of_the_document_version_the_warehouse_keeps(tmp_path):
    from zhnews.transforms.doc_text import version_of

    short, longer = doc("d1", "短文"), doc("d1", "长一些的正文")
    load(tmp_path, "k1", rows("f1", [short]) | entities_of([short]))
    load(tmp_path, "k2", rows("f2", [longer]) | entities_of([longer]))  # a better version: its entities replace
    load(tmp_path, "k3", rows("f3", [short]) | entities_of([short], "rules-2"))  # a worse one: they stay
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT doc_id, entity, kind FROM doc_entities").fetchall() == [("d1", "长一", "place")]
    assert con.execute("SELECT version, rules FROM entity_versions").fetchall() == [
        (version_of("标题", "长一些的正文"), "rules-1")
    ]


def test_a_document_no_file_sights_any_more_loses_its_entities_in_the_same_load(tmp_path):
    old, new = doc("d1", "旧正文"), doc("d9", "新正文")
    load(tmp_path, "k1", rows("f1", [old]) | entities_of([old]))
    load(tmp_path, "k2", rows("f1", [new], digest="h2") | entities_of([new]))
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT doc_id, entity FROM doc_entities").fetchall() == [("d9", "新正")]
    assert con.execute("SELECT doc_id FROM entity_versions").fetchall() == [("d9",)]


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    good = write_batch(tmp_path, "k1", rows("f1", [doc("d1", "正文")]), "load1")
    broken = dict(good, sightings=tmp_path / "missing.parquet")
    with Warehouse(tmp_path) as wh, pytest.raises(duckdb.Error):
        wh.load_batch(broken)
    assert count(tmp_path, "files") == 0 and count(tmp_path, "documents") == 0


def test_parquet_batches_have_the_declared_schema(tmp_path):
    import pyarrow.parquet as pq

    paths = write_batch(tmp_path, "k1", rows("f1", [doc("d1", "正文")]), "load1")
    schema = pq.read_schema(paths["documents"])
    assert str(schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert paths["documents"].parent == tmp_path / "parquet" / "documents"
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_run_removes_parquet_files_a_killed_run_left_before_committing(tmp_path):
    load(tmp_path, "k1", rows("f1", [doc("d1", "正文")]))
    orphan = write_batch(tmp_path, "k2", rows("f2", [doc("d2", "未提交")]), "load2")  # written, never loaded
    half = tmp_path / "parquet" / "documents" / ".batch-k3.parquet.0123.tmp"
    half.write_bytes(b"PAR1")
    with Warehouse(tmp_path) as wh:
        wh.begin_load("load3")
    assert not half.exists() and not any(p.exists() for p in orphan.values())
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    in_parquet = con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path}/parquet/documents/*.parquet')").fetchone()
    assert in_parquet[0] == con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


class RecordingConnection:
    """A DuckDB connection that keeps the SQL it was given."""

    def __init__(self, con):
        self.con, self.statements = con, []

    def execute(self, sql, *args):
        self.statements.append(" ".join(sql.split()))
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_first_load_of_new_files_deletes_nothing_and_reads_no_stored_body(tmp_path):
    """What a batch load costs follows the batch, not the warehouse: new files and documents need
    no DELETE (each scans a whole table) and no comparison with stored versions."""
    load(tmp_path, "k1", rows("f1", [doc("d1", "正文一")]))
    with Warehouse(tmp_path) as wh:
        wh.con = recording = RecordingConnection(wh.con)
        assert wh.load_batch(write_batch(tmp_path, "k2", rows("f2", [doc("d2", "正文二")]), "load2")) == 1
        wh.con = recording.con
    assert not [sql for sql in recording.statements if sql.startswith("DELETE")]
    assert not [sql for sql in recording.statements if "md5(coalesce(d.body" in sql and "LIMIT 0" not in sql]
    assert count(tmp_path, "documents") == 2


# --- the next writer's copy: the file the last run published over, caught up -----------------------


def tables(path):
    """Every table's rows, as sorted lists (the log of loads included)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
        return {name: sorted(map(repr, con.execute(f'SELECT * FROM "{name}"').fetchall())) for name in names}
    finally:
        con.close()


def ingest_like(tmp_path, batches, forget=(), then=None):
    """A logged session as an ingest runs it: forgotten files, loaded batches, the stories pass, `then(wh)` (a
    later step, such as the entities), published."""
    with Warehouse(tmp_path, logged=True) as wh:
        if forget:
            wh.forget_files(list(forget))
        for key, batch in batches:
            wh.load_batch(write_batch(tmp_path, key, batch, "load1"))
        wh.update_stories()
        if then is not None:
            then(wh)


def test_the_next_writer_catches_up_the_file_the_last_run_published_over_instead_of_copying(tmp_path, monkeypatch):
    import zhnews.warehouse.store as store
    from zhnews.warehouse import SPARE_NAME

    ingest_like(tmp_path, [("k1", rows("f1", [doc("d1", "正文一"), doc("d2", "正文二")]))])
    ingest_like(tmp_path, [("k2", rows("f2", [doc("d2", "正文二"), doc("d3", "正文三")]))])
    ingest_like(tmp_path, [("k3", rows("f1", [doc("d4", "正文四")], digest="h2"))], forget=["f2"])
    spare = tmp_path / SPARE_NAME
    assert spare.exists()
    published = tables(tmp_path / DB_NAME)
    copies = []
    monkeypatch.setattr(store, "_copy_atomically", lambda *args: copies.append(args))
    wh = Warehouse(tmp_path, logged=True)
    wh.close()
    assert not copies and not spare.exists()
    assert tables(wh.path) == published  # the spare, with the last run's loads and forgets done again


def test_the_catch_up_copies_the_entities_the_last_run_found_instead_of_copying_the_file(tmp_path, monkeypatch):
    import zhnews.warehouse.store as store
    from zhnews.transforms.entities import EntityExtractor, EntityRules
    from zhnews.warehouse import SPARE_NAME
    from zhnews.warehouse.entities import update_entities

    extractor = EntityExtractor(EntityRules(names={"高市早苗": "person", "东京": "place"}), None)

    def ingest_with_entities(batches, forget=()):
        def entities(wh):
            update_entities(wh.con, extractor, "rules", log=wh.log_entities)

        ingest_like(tmp_path, batches, forget, then=entities)

    ingest_with_entities([("k1", rows("f1", [doc("d1", "高市早苗在东京。"), doc("d2", "东京下雨。")]))])
    ingest_with_entities([("k2", rows("f2", [doc("d3", "高市早苗发言。")]))])
    ingest_with_entities([("k3", rows("f1", [doc("d4", "东京晴。")], digest="h2"))], forget=["f2"])
    published = tables(tmp_path / DB_NAME)
    assert published["doc_entities"] and len(published["entity_versions"]) == 1  # d4's; d1 to d3 gone
    copies = []
    monkeypatch.setattr(store, "_copy_atomically", lambda *args: copies.append(args))
    wh = Warehouse(tmp_path, logged=True)
    wh.close()
    assert not copies and not (tmp_path / SPARE_NAME).exists()
    caught_up = tables(wh.path)
    assert caught_up["doc_entities"] == published["doc_entities"]
    assert caught_up == published


def test_a_file_published_by_an_older_zhnews_without_a_newer_table_is_copied_not_caught_up(tmp_path, monkeypatch):
    import zhnews.warehouse.store as store

    ingest_like(tmp_path, [("k1", rows("f1", [doc("d1", "正文一")]))])
    ingest_like(tmp_path, [("k2", rows("f2", [doc("d2", "正文二")]))])
    with duckdb.connect(str(tmp_path / DB_NAME)) as con:
        con.execute("DROP TABLE entity_versions")  # as published before that table existed
    copied = []
    real_copy = store._copy_atomically
    monkeypatch.setattr(store, "_copy_atomically", lambda *args: copied.append(args) or real_copy(*args))
    with Warehouse(tmp_path, logged=True) as wh:  # no error: the spare is dropped, the published file copied
        assert wh.con.execute("SELECT count(*) FROM entity_versions").fetchone() == (0,)
    assert copied
    assert count(tmp_path, "documents") == 2


def test_a_spare_a_reader_holds_or_a_session_outside_the_log_is_not_written_into(tmp_path, monkeypatch):
    import zhnews.warehouse.store as store
    from zhnews.warehouse import SPARE_NAME

    ingest_like(tmp_path, [("k1", rows("f1", [doc("d1", "正文一")]))])
    ingest_like(tmp_path, [("k2", rows("f2", [doc("d2", "正文二")]))])
    spare = tmp_path / SPARE_NAME
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1], read_only=True);"
            " print('open', flush=True); sys.stdin.readline()",
            str(spare),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        copied = []
        real_copy = store._copy_atomically
        monkeypatch.setattr(store, "_copy_atomically", lambda *args: copied.append(args) or real_copy(*args))
        with Warehouse(tmp_path):  # a session outside the log (like a reindex): published unlogged
            assert copied and spare.exists()  # the reader's file was left alone
    finally:
        reader.communicate("\n", timeout=30)
    copied.clear()
    ingest_like(tmp_path, [])  # the spare now is the file the unlogged session published over
    assert copied and tables(tmp_path / DB_NAME)["documents"] == tables(tmp_path / SPARE_NAME)["documents"]
