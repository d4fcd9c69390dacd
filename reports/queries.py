"""What the report reads from the warehouse: one query per chart or table, returning plain rows."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

OTHER = "(other outlets)"
UNKNOWN_OUTLET = "(outlet unknown)"


@dataclass(frozen=True)
class Rows:
    """A query's column names and rows."""

    columns: tuple[str, ...]
    rows: list[tuple]

    def column(self, name: str) -> list:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def __bool__(self) -> bool:
        return bool(self.rows)


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Rows:
    cursor = con.execute(sql, params or [])
    return Rows(tuple(c[0] for c in cursor.description), cursor.fetchall())


def has_relations(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    """True when every named table or view exists in the warehouse."""
    found = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
    }
    return all(name in found for name in names)


def overview(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Headline figures: files, documents, outlets, date span, loads."""
    row = con.execute(
        """SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM files WHERE status = 'quarantined'),
                  (SELECT count(*) FROM documents), (SELECT count(DISTINCT source) FROM documents),
                  (SELECT min(published_at) FROM documents), (SELECT max(published_at) FROM documents),
                  (SELECT count(*) FROM loads), (SELECT max(finished_at) FROM loads WHERE status = 'completed')"""
    ).fetchone()
    keys = ("files", "quarantined", "documents", "outlets", "first_published", "last_published", "loads", "last_load")
    return dict(zip(keys, row, strict=True))


def published_span_days(con: duckdb.DuckDBPyConnection) -> int:
    """Days between the first and the last publication time (0 when none)."""
    span = con.execute("SELECT date_diff('day', min(published_at), max(published_at)) FROM documents").fetchone()[0]
    return span or 0


def documents_per_period(con: duckdb.DuckDBPyConnection, unit: str, top_outlets: int) -> Rows:
    """(day, outlet, documents) per Beijing `unit` (day, week or month, given by its first day); outlets past
    the `top_outlets` largest are grouped."""
    if unit not in ("day", "week", "month"):
        raise ValueError(f"not a period the report draws: {unit}")
    return fetch(
        con,
        f"""WITH per_day AS (
              SELECT CAST(date_trunc('{unit}', published_at) AS DATE) AS day, coalesce(source, '{UNKNOWN_OUTLET}') AS outlet, count(*) AS n
              FROM documents WHERE published_at IS NOT NULL GROUP BY ALL),
            ranked AS (
              SELECT outlet, row_number() OVER (ORDER BY sum(n) DESC, outlet) AS rank FROM per_day GROUP BY outlet)
            SELECT day, CASE WHEN rank <= ? THEN outlet ELSE '{OTHER}' END AS outlet, sum(n) AS documents
            FROM per_day JOIN ranked USING (outlet)
            GROUP BY ALL ORDER BY min(rank), day""",
        [top_outlets],
    )


def undated_documents(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM documents WHERE published_at IS NULL").fetchone()[0]


def removed_by_rule(con: duckdb.DuckDBPyConnection, top: int) -> Rows:
    """(rule, lines) for the `top` rules that removed the most lines."""
    return fetch(
        con, "SELECT rule, count(*) AS lines FROM removed_lines GROUP BY rule ORDER BY lines DESC, rule LIMIT ?", [top]
    )


# A file's site: the site profiles that applied to it (other than `common`), else its layout.
_SITE = "coalesce(nullif(array_to_string(list_filter(f.profiles, p -> p <> 'common'), '+'), ''), f.layout || ' (no site profile)')"


def removed_by_site(con: duckdb.DuckDBPyConnection) -> Rows:
    """(site, rule family, lines): the family is the rule up to its first colon."""
    return fetch(
        con,
        f"""WITH lines AS (
              SELECT {_SITE} AS site, regexp_replace(r.rule, ':.*$', '') AS family, count(*) AS lines
              FROM removed_lines r JOIN files f USING (file_id) GROUP BY ALL)
            SELECT site, family, lines FROM lines
            ORDER BY sum(lines) OVER (PARTITION BY site) DESC, site, lines DESC""",
    )


def files_by(con: duckdb.DuckDBPyConnection, column: str) -> Rows:
    """(value, status, files) for `layout` or `encoding` of the files table."""
    if column not in ("layout", "encoding"):
        raise ValueError(f"not a files column the report groups by: {column}")
    return fetch(
        con,
        f"""WITH counts AS (
              SELECT coalesce({column}, '(none)') AS value, status, count(*) AS files FROM files GROUP BY ALL)
            SELECT value, status, files FROM counts
            ORDER BY sum(files) OVER (PARTITION BY value) DESC, value, status""",
    )


def quarantined_files(con: duckdb.DuckDBPyConnection) -> Rows:
    """Files whose latest content was quarantined, with the reason and when a load last saw them."""
    return fetch(
        con,
        """SELECT f.path, f.reason, f.size_bytes AS bytes, f.encoding,
                  (SELECT max(l.started_at) FROM file_events e JOIN loads l USING (load_id)
                   WHERE e.file_id = f.file_id) AS last_seen
           FROM files f WHERE f.status = 'quarantined' ORDER BY f.path""",
    )


def recent_loads(con: duckdb.DuckDBPyConnection, limit: int) -> Rows:
    return fetch(
        con,
        """SELECT load_id, started_at, status, files_seen, files_loaded, files_unchanged, files_quarantined,
                  documents_new, lines_removed, message
           FROM loads ORDER BY started_at DESC LIMIT ?""",
        [limit],
    )


def term_trends(con: duckdb.DuckDBPyConnection, weeks: int, terms: int) -> Rows:
    """(week, term, documents) over the last `weeks` weeks, for the `terms` terms (words of two or more
    characters, not numbers or dates) in most documents."""
    return fetch(
        con,
        """WITH recent AS (
              SELECT * FROM v_term_trends
              WHERE week IN (SELECT DISTINCT week FROM v_term_trends ORDER BY week DESC LIMIT ?)
                AND length(term) >= 2  -- single characters (多, 大, 到) say little
                AND NOT regexp_full_match(term, '[0-9０-９.,:%年月日号时分]+')),  -- nor do numbers and dates
            top AS (
              SELECT term, row_number() OVER (ORDER BY sum(documents) DESC, sum(occurrences) DESC, term) AS rank
              FROM recent GROUP BY term QUALIFY rank <= ?)
            SELECT week, term, documents FROM recent JOIN top USING (term) ORDER BY rank, week""",
        [weeks, terms],
    )


def stories(con: duckdb.DuckDBPyConnection, limit: int) -> Rows:
    """Near-duplicate stories of two or more documents, largest first."""
    return fetch(
        con,
        """SELECT story_id, title, documents, array_to_string(outlets, '、') AS outlets,
                  first_published, last_published, min_similarity
           FROM v_stories WHERE documents >= 2
           ORDER BY documents DESC, first_published, story_id LIMIT ?""",
        [limit],
    )


def story_members(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> Rows:
    """The documents of the given stories."""
    return fetch(
        con,
        """SELECT st.story_id, d.title, d.source, d.published_at, st.relation, st.similarity
           FROM doc_stories st JOIN documents d USING (doc_id)
           WHERE st.story_id IN (SELECT unnest(?::VARCHAR[]))
           ORDER BY st.story_id, d.published_at NULLS LAST, d.title""",
        [story_ids],
    )
