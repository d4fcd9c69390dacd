"""Scheduled operation: the served deployment and the prefect.yaml deployment ingest the inbox on a cron."""

import os
from pathlib import Path

import pytest
import yaml
from zhnews.flows.schedule import inbox_deployment

from tests.conftest import ROOT, run_cli


def test_serve_builds_a_cron_deployment_of_the_ingest_flow_over_the_inbox(tmp_path):
    deployment = inbox_deployment(tmp_path / "inbox", tmp_path / "data", "*/30 * * * *")
    assert (deployment.flow_name, deployment.name) == ("zhnews-ingest", "inbox-served")
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == (
        "*/30 * * * *",
        "Asia/Shanghai",
        True,
    )
    assert deployment.parameters == {
        "paths": [str(tmp_path / "inbox")],
        "data_dir": str(tmp_path / "data"),
        "wait_seconds": 600,
        "retry_seconds": [60, 120, 240, 480],
    }


def test_relative_folders_become_absolute_so_runs_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    deployment = inbox_deployment(Path("inbox"), Path("data"), "0 * * * *", timezone="UTC")
    assert deployment.parameters["paths"] == [str(tmp_path / "inbox")]
    assert deployment.parameters["data_dir"] == str(tmp_path / "data")


@pytest.mark.parametrize("cron, timezone", [("every 5 minutes", "Asia/Shanghai"), ("*/5 * * * *", "Mars/Olympus")])
def test_a_bad_schedule_is_refused_before_anything_is_served(tmp_path, cron, timezone):
    with pytest.raises(ValueError):
        inbox_deployment(tmp_path / "inbox", tmp_path / "data", cron, timezone=timezone)
    proc = run_cli("serve", "--inbox", tmp_path / "inbox", "--cron", cron, "--timezone", timezone, timeout=120)
    assert proc.returncode == 2 and "invalid schedule" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "inbox").exists()


def test_serve_without_a_prefect_server_explains_how_to_start_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(tmp_path / "home")}
    proc = run_cli("serve", "--inbox", str(tmp_path / "inbox"), env=env, timeout=120)
    assert proc.returncode == 2 and "prefect server start" in proc.stderr and "PREFECT_API_URL" in proc.stderr


def test_prefect_yaml_deploys_the_ingest_flow_on_a_cron_over_the_inbox():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = config["deployments"]
    module, _, function = deployment["entrypoint"].partition(":")
    assert (ROOT / module).is_file() and f"def {function}(" in (ROOT / module).read_text(encoding="utf-8")
    assert deployment["parameters"]["paths"] == ["inbox"]
    (schedule,) = deployment["schedules"]
    assert schedule["cron"] == "*/30 * * * *" and schedule["timezone"] == "Asia/Shanghai"
    assert deployment["work_pool"]["name"]
    from zhnews.flows.ingest import ingest_flow

    assert set(deployment["parameters"]) <= set(ingest_flow.parameters.properties)


def test_serve_and_prefect_yaml_register_distinct_deployments_so_neither_takes_the_other_over(tmp_path):
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (declared,) = config["deployments"]
    served = inbox_deployment(tmp_path / "inbox", tmp_path / "data", "*/30 * * * *")
    assert served.name != declared["name"]
    assert {served.name, declared["name"]} == {"inbox-served", "inbox-pool"}
    assert declared["parameters"]["retry_seconds"] == served.parameters["retry_seconds"]  # the same backoff
