"""Worker processes for the entities step: each builds the entity extractor once and computes chunks.

Spawned, not forked: the ingest's process runs DuckDB's and Prefect's threads. A worker imports only
what the extractor needs (this module, `flows.config`), not Prefect. Starting one costs ~2-3 s of CPU
(imports, LAC's model, jieba's dictionary): `warehouse.entities.POOL_CHUNKS` says when that pays.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

from zhnews.flows.config import load_entity_extractor
from zhnews.transforms.entities import Entity, EntityExtractor

if TYPE_CHECKING:
    from zhnews.warehouse.entities import Submit  # not at run time: a worker needs no DuckDB

_extractor: EntityExtractor | None = None  # a worker process's own


@contextmanager
def entity_workers(profile_dirs: tuple[str, ...], tagger: str, processes: int) -> Iterator[Submit]:
    """`processes` worker processes with the extractor of `profile_dirs` and `tagger`: yields `submit`."""
    from zhnews.flows.pool import stop_helper_processes  # here: a worker never imports Prefect

    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(processes, context, _start, (profile_dirs, tagger)) as pool:
            yield partial(pool.submit, _extract)
    finally:
        stop_helper_processes()  # the resource tracker the pool started would outlive the run


def _start(profile_dirs: tuple[str, ...], tagger: str) -> None:
    global _extractor
    _extractor = load_entity_extractor(profile_dirs, tagger)


def _extract(docs: list[tuple[str, str]], printed: list[tuple[str, str] | None]) -> list[list[Entity]]:
    assert _extractor is not None, "an entity worker started without _start"
    return _extractor.extract_many(docs, printed)
