"""Imported by the batch pool's fork server only (`zhnews.flows.pool.PRELOAD`), before it forks any worker.

It imports the extraction code and builds the default pipeline (profiles, pinyin, the segmenter and
its IDF table), so every worker forked from the server starts with them, sharing their pages
copy-on-write. A run with other profile folders or another segmenter builds its pipeline in each
worker. The server ends with the ingest that started it (its workers then end with it).
"""

from __future__ import annotations

import os

from zhnews.flows.batches import run_batch  # noqa: F401  (what the workers run)
from zhnews.flows.extract import pipeline
from zhnews.flows.runners import exit_with_parent

pipeline()
exit_with_parent(os.getppid())
