"""Training the header reader: what the shipped model was trained from, retraining, and which model ingest loads."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner
from zhnews.flows.cli import app
from zhnews.flows.config import load_profiles
from zhnews.flows.header_training import DEFAULT_SETS, FIXTURES, fingerprint
from zhnews.transforms.header.model import MODEL_FILE, FieldScorer, HeaderModel
from zhnews.transforms.pipeline import DumpProcessor
from zhnews.transforms.profiles import BUILTIN_DIR

PAGE = "网站首页 新闻中心\n首页 > 新闻 > 本地\n今年夏天雨水为何这么多\n2005-08-12 16:12 来源：人民网\n\n" + "\n".join(
    ["今年夏天，本市的降雨量比往年多出三成，气象部门提醒市民注意防范。"] * 3
)


def test_the_shipped_model_was_trained_on_todays_annotated_sets_and_feature_code():
    shipped = json.loads((BUILTIN_DIR / MODEL_FILE).read_text(encoding="utf-8"))["trained_from"]
    now = fingerprint(DEFAULT_SETS)
    assert shipped["sets"] == now["sets"], "an annotated set changed: retrain with `zhnews train-header`"
    assert shipped["feature_code"] == now["feature_code"], "the features changed: retrain with `zhnews train-header`"


def test_training_twice_on_the_same_pages_gives_the_same_model(tmp_path):
    runner = CliRunner()
    sets = [str(FIXTURES / "holdout5")]
    for name in ("a.json", "b.json"):
        result = runner.invoke(app, ["train-header", *sets, "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    first, second = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("a.json", "b.json"))
    assert first == second
    assert first["trained_from"]["sets"] == {"holdout5": fingerprint([FIXTURES / "holdout5"])["sets"]["holdout5"]}
    assert set(first["fields"]) == {"title", "date", "outlet"}


def test_a_model_in_a_profiles_folder_is_the_one_ingest_loads_and_it_decides(tmp_path):
    first_line = HeaderModel({"title": FieldScorer({"first_line": 10.0})}, {"note": "a user's model"})
    (tmp_path / MODEL_FILE).write_text(first_line.to_json(), encoding="utf-8")
    profiles = load_profiles([tmp_path])
    assert profiles.header_model.trained_from == {"note": "a user's model"}
    (doc,) = DumpProcessor(profiles).process(PAGE).documents
    assert doc.title == "网站首页 新闻中心"
    (shipped,) = DumpProcessor(load_profiles()).process(PAGE).documents
    assert shipped.title == "今年夏天雨水为何这么多"


def test_a_broken_model_file_is_refused_in_one_line(tmp_path):
    from zhnews.transforms.profiles import ProfileError

    (tmp_path / MODEL_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ProfileError, match="not a header model"):
        load_profiles([tmp_path])


def test_train_header_refuses_a_folder_without_gold(tmp_path):
    shutil.copy(FIXTURES / "holdout5" / "README.md", tmp_path / "README.md")
    result = CliRunner().invoke(app, ["train-header", str(tmp_path), "--out", str(tmp_path / "m.json")])
    assert result.exit_code != 0
    assert "no gold.json" in result.output
