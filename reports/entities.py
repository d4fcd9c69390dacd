"""The report's "who and where" section: top people, places and organisations per week, co-mentions."""

from __future__ import annotations

import duckdb
from zhnews.reports import charts
from zhnews.reports.page import Section, figure, note, table, unavailable
from zhnews.reports.queries import Rows, fetch, has_relations

WEEKS = 12
TOP_PER_KIND = 12
TOP_PAIRS = 20
KIND_LABELS = {"person": "People", "place": "Places", "org": "Organisations"}


def entity_trends(con: duckdb.DuckDBPyConnection, kind: str, weeks: int, top: int) -> Rows:
    """(week, term, documents) of the `top` entities of `kind` named by the most documents in the
    last `weeks` weeks with dated documents (`term` so the term heatmap draws it)."""
    return fetch(
        con,
        """WITH weekly AS (
              SELECT CAST(date_trunc('week', day) AS DATE) AS week, entity, sum(documents) AS documents
              FROM v_entity_trends WHERE kind = ? GROUP BY ALL),
            recent AS (
              SELECT * FROM weekly WHERE week IN (SELECT DISTINCT week FROM weekly ORDER BY week DESC LIMIT ?)),
            top AS (
              SELECT entity, row_number() OVER (ORDER BY sum(documents) DESC, entity) AS rank
              FROM recent GROUP BY entity QUALIFY rank <= ?)
            SELECT week, entity AS term, CAST(documents AS BIGINT) AS documents
            FROM recent JOIN top USING (entity) ORDER BY rank, week""",
        [kind, weeks, top],
    )


def top_pairs(con: duckdb.DuckDBPyConnection, limit: int) -> Rows:
    """The entity pairs named together by the most documents."""
    return fetch(
        con,
        """SELECT entity_a, kind_a, entity_b, kind_b, documents FROM v_entity_pairs
           WHERE documents >= 2 ORDER BY documents DESC, entity_a, entity_b LIMIT ?""",
        [limit],
    )


def who_and_where(con: duckdb.DuckDBPyConnection) -> Section:
    title = "Who and where"
    if not has_relations(con, "doc_entities", "v_entity_trends", "v_entity_pairs"):
        return unavailable(
            "entities", title, ["doc_entities", "v_entity_trends", "v_entity_pairs"], "This warehouse has no entities."
        )
    body = note(
        f"The people, places and organisations named by the most documents in the last {WEEKS} weeks with dated "
        "documents (Traditional and Simplified spellings counted together), and the pairs most often named together."
    )
    drawn = False
    for kind, label in KIND_LABELS.items():
        rows = entity_trends(con, kind, WEEKS, TOP_PER_KIND)
        if rows:
            fig = charts.term_trends(rows)
            fig.update_layout(title={"text": f"{label} per week (documents naming them)"})
            body += figure(fig, f"entities-{kind}")
            drawn = True
    if not drawn:
        body += note("No entities in dated documents yet.")
    pairs = top_pairs(con, TOP_PAIRS)
    headers = {"entity_a": "entity", "kind_a": "kind", "entity_b": "named with", "kind_b": "kind "}
    body += table(pairs, "entity-pairs", headers) if pairs else note("No two entities are named together twice yet.")
    return Section("entities", title, body)
