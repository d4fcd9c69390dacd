"""The end-of-run summary published as Prefect artifacts, so every (scheduled) run shows it in the UI."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from zhnews.flows.summary import summary_markdown, summary_table

if TYPE_CHECKING:
    from zhnews.flows.ingest import RunSummary

# Stable keys: the UI's Artifacts page keeps one history per key, one version per run.
SUMMARY_KEY = "zhnews-ingest-summary"
TABLE_KEY = "zhnews-ingest-figures"


def publish_summary(summary: RunSummary) -> tuple[UUID, UUID] | None:
    """Create the run's markdown and table artifacts (inside a flow run they attach to it).

    The load is complete by then, so a failure here is logged as a warning, not raised.
    """
    description = f"zhnews ingest, load {summary.load_id}"
    try:
        markdown_id = create_markdown_artifact(summary_markdown(summary), key=SUMMARY_KEY, description=description)
        table_id = create_table_artifact(summary_table(summary), key=TABLE_KEY, description=description)
    except Exception as exc:  # the API may be down or refuse the artifact: the warehouse is loaded anyway
        get_run_logger().warning("could not publish the run summary as Prefect artifacts: %s", exc)
        return None
    return markdown_id, table_id
