"""Lists of ids (and listings of files) reach DuckDB as Arrow relations: no per-element conversion, whether or not pandas is installed.

DuckDB converts a Python list parameter element by element, trying to import pandas for each element
when it is not installed (what a user gets from `pip install .`). The checks run in a fresh Python
where pandas cannot be imported and count those import attempts: they must not grow with the ids.
"""

import json
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = r"""
import json, sys
from pathlib import Path


class NoPandas:
    attempts = 0

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pandas":
            NoPandas.attempts += 1
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoPandas())
import duckdb
from zhnews.flows.inputs import Listing
from zhnews.warehouse.store import Warehouse
from zhnews.warehouse.stories import _Placement, _TextCache
from zhnews.warehouse.story_index import StoryKeyIndex

warehouse = Warehouse(Path(sys.argv[1]))
con = warehouse.con
con.execute(
    "INSERT INTO documents (doc_id, title, body, published_at) SELECT 'd' || i::VARCHAR, 't', 'b',"
    " TIMESTAMPTZ '2025-01-01' + to_seconds(i) FROM range(3000) t(i)"
)
con.execute("INSERT INTO files (file_id, path, content_hash, status) SELECT 'f' || i::VARCHAR, 'p' || i::VARCHAR,"
            " 'h', 'loaded' FROM range(3000) t(i)")
calls = {
    "stories._Placement.read_stored": lambda n: _Placement(con, StoryKeyIndex(con)).read_stored([f"d{i}" for i in range(n)]),
    "stories._TextCache (texts for containment)": lambda n: _TextCache(con).exact([(f"d{i}", "d0") for i in range(n)]),
    "Warehouse.files_to_read (a listing)": lambda n: warehouse.files_to_read(
        Listing([f"p{i}" for i in range(n)], [0] * n, [1] * n).table()
    ),
}
attempts = {}
for name, call in calls.items():
    call(1)  # any one-off import attempt happens here
    for n in (10, 2000):
        NoPandas.attempts = 0
        call(n)
        attempts[f"{name}, {n} ids"] = NoPandas.attempts
print(json.dumps(attempts))
"""


def test_id_lists_reach_duckdb_in_one_piece_without_pandas(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    attempts = json.loads(proc.stdout)
    for name in {key.rsplit(",", 1)[0] for key in attempts}:
        assert attempts[f"{name}, 2000 ids"] == attempts[f"{name}, 10 ids"], attempts
