"""What an ingest imports ahead while Prefect's server boots, and what it never imports."""

import subprocess
import sys

from zhnews.flows.cli import _may_hold_files


def test_only_an_empty_folder_is_known_to_hold_nothing(tmp_path):
    assert not _may_hold_files(tmp_path)
    (tmp_path / "sub").mkdir()
    assert _may_hold_files(tmp_path)  # a subfolder may hold files: not looked into
    dump = tmp_path / "a.txt"
    dump.write_text("x", encoding="utf-8")
    assert _may_hold_files(dump)


def test_opening_the_warehouse_and_the_ingest_flow_import_no_extraction_or_stories_code():
    """An ingest with nothing to extract or group never pays for those imports (seconds of start-up)."""
    code = (
        "import sys; import zhnews.warehouse.store, zhnews.flows.ingest; "
        "print(sorted(m for m in ('zhnews.flows.extract', 'zhnews.transforms.neardup', 'datasketch', 'pypinyin')"
        " if m in sys.modules))"
    )
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"


def test_the_extraction_code_imports_pypinyin_only_when_an_outlet_table_is_built():
    """The driver imports the extraction code (for the unchanged-file checks and the batch tables) but
    builds no outlet table: it does not hold pypinyin's ~55 MiB; the workers that resolve outlets do."""
    code = (
        "import sys; import zhnews.flows.extract, zhnews.flows.batches; print('pypinyin' in sys.modules); "
        "from zhnews.transforms.normalize.outlets import OutletResolver; "
        "print(OutletResolver({'新浪财经': '新浪财经'}).resolve('Xin Lang Cai Jing'), 'pypinyin' in sys.modules)"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.split("\n")[:2] == ["False", "('新浪财经', True) True"]
