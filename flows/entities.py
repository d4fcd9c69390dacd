"""The entities step of a run: people, places and organisations of the documents a load brought that
their batch did not bring entities for (`flows.batches.batch_entities` finds most, in the batch workers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import TYPE_CHECKING

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE
from zhnews.flows.config import load_entity_extractor
from zhnews.flows.runners import default_workers
from zhnews.flows.search import Hit
from zhnews.warehouse import TIMEZONE
from zhnews.warehouse.store import Warehouse

if TYPE_CHECKING:
    from zhnews.warehouse.entities import Submit


@task(name="entities", cache_policy=NO_CACHE)
def find_entities(warehouse: Warehouse, profile_dirs: tuple[str, ...], tagger: str, workers: int | None = None) -> int:
    """Compute `doc_entities` of the documents the loads brought or changed since the last time (and
    drop those of documents they dropped), in `workers` processes (None: one a core) when there are
    many (`POOL_CHUNKS` chunks); returns how many documents were analysed. `tagger` "off": nothing (the
    table keeps what it has, and the documents stay pending)."""
    from zhnews.warehouse.entities import entities_out_of_date

    if tagger == "off" or not entities_out_of_date(warehouse.con):
        return 0  # nothing to look at: no model is loaded
    return _update(warehouse, profile_dirs, tagger, workers, log=warehouse.log_entities)


def recompute_entities(
    warehouse: Warehouse,
    profile_dirs: tuple[str, ...],
    tagger: str,
    on_chunk=None,
    everything: bool = True,
    workers: int | None = None,
) -> int:
    """Recompute every document's entities with the current dictionaries (reindex), in `workers`
    processes (None: one a core)."""
    return _update(warehouse, profile_dirs, tagger, workers, on_chunk=on_chunk, everything=everything)


def _update(warehouse: Warehouse, profile_dirs: tuple[str, ...], tagger: str, workers: int | None, **which) -> int:
    """`update_entities` with the tagger's extractor (built only when a document needs it: the batches
    bring most) and fingerprint; `which`: the documents and what to log."""
    from zhnews.transforms.entities import rules_fingerprint
    from zhnews.warehouse.entities import update_entities  # here: an idle run imports none of it

    rules = load_entity_extractor(profile_dirs, "none").rules  # the names and rules, without the tagger's model
    return update_entities(
        warehouse.con,
        partial(load_entity_extractor, profile_dirs, tagger),
        rules_fingerprint(rules, tagger),
        workers=_workers(profile_dirs, tagger, workers),
        **which,
    )


def _workers(
    profile_dirs: tuple[str, ...], tagger: str, workers: int | None
) -> Callable[[], AbstractContextManager[Submit]] | None:
    """How `update_entities` starts its worker processes (None: it computes here)."""
    from zhnews.flows.entity_pool import entity_workers

    processes = workers or default_workers()
    return partial(entity_workers, profile_dirs, tagger, processes) if processes > 1 else None


def entity_search(
    con: duckdb.DuckDBPyConnection,
    name: str,
    limit: int = 10,
    source: str | None = None,
    since: dt.date | None = None,
) -> list[Hit]:
    """Documents naming the entity `name` (any kind; Traditional or Simplified spelling), newest
    first; `score` is its mentions, `matched_terms` its spellings as printed."""
    from zhnews.transforms.normalize.script import to_simplified

    simplified = to_simplified(name.strip())
    rows = con.execute(
        f"""SELECT d.doc_id, d.title, d.source, d.published_at, sum(e.mentions) AS mentions,
                   list(DISTINCT e.entity ORDER BY e.entity) AS printed, d.body
            FROM doc_entities e JOIN documents d USING (doc_id)
            WHERE (e.entity_simplified = ? OR e.entity = ?)
              AND (?::VARCHAR IS NULL OR d.source = ? OR d.source_raw = ?)
              AND (?::DATE IS NULL OR timezone('{TIMEZONE}', d.published_at) >= ?::DATE)
            GROUP BY d.doc_id, d.title, d.source, d.published_at, d.body
            ORDER BY d.published_at DESC NULLS LAST, mentions DESC, d.doc_id
            LIMIT ?""",
        [simplified, name.strip(), source, source, source, since, since, limit],
    ).fetchall()
    return [Hit.of_row(row, float(row[4]), list(row[5])) for row in rows]
