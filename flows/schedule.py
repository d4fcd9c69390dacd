"""Scheduled operation without a work pool: the ingest flow served on a cron schedule over an inbox."""

from __future__ import annotations

from pathlib import Path

from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from pydantic import ValidationError
from zhnews.flows.ingest import ingest_flow
from zhnews.warehouse import TIMEZONE

# `prefect.yaml` declares the work-pool route as `inbox-pool`: distinct names, so that neither route
# silently takes over the other's deployment
DEPLOYMENT_NAME = "inbox-served"
WAIT_SECONDS = 600  # a scheduled run waits this long for a manual run holding the data dir
RETRY_SECONDS = [60, 120, 240, 480]  # then tries again after each of these (backoff), then fails in one line


def inbox_deployment(
    inbox: Path, data_dir: Path, cron: str, timezone: str = TIMEZONE, name: str = DEPLOYMENT_NAME
) -> RunnerDeployment:
    """The ingest flow as a deployment that ingests `inbox` into `data_dir` on `cron` (in `timezone`).

    Paths are made absolute, since a served run may start from another working directory.
    Raises ValueError for a cron expression or time zone the scheduler would not accept.
    """
    try:
        schedule = Cron(cron, timezone=timezone)
    except ValidationError as exc:  # a ValueError whose text is a page long: keep its message
        raise ValueError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    return ingest_flow.to_deployment(
        name=name,
        schedules=[schedule],
        parameters={
            "paths": [str(inbox.expanduser().resolve())],
            "data_dir": str(data_dir.expanduser().resolve()),
            "wait_seconds": WAIT_SECONDS,
            "retry_seconds": RETRY_SECONDS,
        },
        description=f"Ingest new and changed dumps from {inbox} on '{cron}' ({timezone}).",
        tags=["zhnews"],
    )


def prefect_api_url() -> str | None:
    """The Prefect server this process talks to; None means a temporary one, which schedules nothing."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def serve_inbox(deployment: RunnerDeployment) -> None:
    """Serve the deployment until interrupted (Ctrl-C): runs start in this process on schedule."""
    from prefect import serve

    serve(deployment)
