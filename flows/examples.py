"""The README's example queries (kept in `warehouse/examples.sql`), runnable against a warehouse."""

from __future__ import annotations

import re
from importlib import resources

_NAME = re.compile(r"^-- name: (.+)$", re.M)


def example_queries() -> list[tuple[str, str]]:
    """(name, sql) pairs from warehouse/examples.sql, in file order."""
    text = (resources.files("zhnews.warehouse") / "examples.sql").read_text(encoding="utf-8")
    parts = _NAME.split(text)[1:]
    return [(name.strip(), sql.strip()) for name, sql in zip(parts[0::2], parts[1::2], strict=True)]
