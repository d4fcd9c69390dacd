"""Stable document identity from normalized content."""

from __future__ import annotations

import datetime as dt
import hashlib

from zhnews.transforms.normalize.text import canonical


def document_id(title: str | None, source: str | None, published_at: dt.datetime | None, body: str) -> str:
    """A 16-hex-digit id that is the same wherever the same article is seen.

    A titled article is identified by its canonical title, outlet and publication time (listing
    snippets of one article differ by search query, so the body is not part of the key); an
    untitled one by its canonical body.
    """
    if title and canonical(title):
        when = published_at.astimezone(dt.UTC).isoformat() if published_at else ""
        key = f"t|{canonical(title)}|{canonical(source)}|{when}"
    else:
        key = f"b|{canonical(body)}"
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
