"""Stable document identity from normalized content."""

from __future__ import annotations

import datetime as dt
import hashlib

from zhnews.transforms.normalize.text import canonical


def document_id(
    title: str | None, source: str | None, published_at: dt.datetime | None, body: str, title_read: bool = True
) -> str:
    """A 16-hex-digit id that is the same wherever the same article is seen.

    Documents with one id are merged into one, so two articles share an id only when they are the
    same article: a titled and dated one is identified by its canonical title, outlet and publication
    time (listing snippets of one article differ by search query, so the body is not part of that
    key); any other by its canonical body, since a title alone (a column's name) may head unrelated
    articles, and so may a title the layout guessed rather than read (`title_read=False`: a page's
    first line, `网易首页`). A page saved twice keeps its id either way.
    """
    title_key = canonical(title) if title else ""
    if title_key and published_at is not None and title_read:
        when = published_at.astimezone(dt.UTC).isoformat()
        key = f"t|{title_key}|{canonical(source)}|{when}"
    else:
        body_key = canonical(body)  # a headline without text has nothing else to tell it by than the title
        key = f"t|{title_key}|{canonical(source)}|" if title_key and not body_key else f"b|{body_key}"
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
