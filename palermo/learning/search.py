"""Full-text search, ranked, with highlighted snippets: one module for every searchable
record of the learning app (library publications, lessons learned), two backends chosen by
the database vendor.

* **SQLite**: an FTS5 virtual table per model (external content: it indexes the model's
  table, which triggers keep in sync; migration ``0002_full_text``), ranked with ``bm25``
  (column weights set once in the table's ``rank`` option), snippets from ``highlight`` and
  ``snippet``. The Porter stemmer matches English word forms.
* **PostgreSQL**: a ``search_vector`` column (``SearchVectorField``) that a trigger computes
  from the same columns with weights A/B/C, a GIN index on it, ``websearch_to_tsquery``
  (``SearchQuery(search_type="websearch")``), ``ts_rank`` (``SearchRank``) and
  ``ts_headline`` (``SearchHeadline``), all with the ``english`` configuration.

The query language is PostgreSQL's *websearch* syntax on both: words (all must occur),
``"a phrase"``, ``or`` between alternatives, ``-word`` to exclude. On SQLite it is translated
into an FTS5 expression by :func:`fts5_query`, which quotes every word, so no input can be
an FTS5 syntax error.

Snippets come back from the database with two private-use characters around each match;
:func:`marked` escapes the text and only then turns those into ``<mark>`` elements, so no
catalogue text can inject markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Marks the database puts around a matched word (Unicode private-use characters: nothing in a
# catalogue means anything by them, and :func:`clean_text` removes them from stored text).
START, STOP = "\ue000", "\ue001"
PG_CONFIG = "english"
ELLIPSIS = "…"


@dataclass(frozen=True)
class FullText:
    """How a model is searched: its SQLite FTS5 table and the indexed text columns, the
    heaviest first. ``weights`` are bm25 column weights on SQLite; on PostgreSQL the columns
    carry weights A, B, C in the same order (the trigger of migration 0002). ``snippet`` is
    the column shown as an extract; the first column is shown whole, highlighted."""

    table: str
    columns: tuple[str, ...]
    weights: tuple[float, ...]
    snippet: str


@dataclass
class FacetValue:
    """One value of a facet; ``label`` is shown instead of the value when set (a name for
    an organisation's id, a translated choice)."""

    value: str
    count: int
    selected: bool = False
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.value


@dataclass
class Facet:
    """Counts of the records found by one attribute (a region, a year, a theme …)."""

    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


def facet(name: str, label: str, rows, chosen) -> Facet:
    """A facet from ``(value, count)`` rows; *chosen* is the value filtered on, if any."""
    return Facet(name, label, [FacetValue(str(v), n, str(v) == str(chosen or ""))
                               for v, n in rows])


@dataclass
class Hit:
    """One record found, with its highlighted title and extract (safe HTML)."""

    record: models.Model
    title: SafeString
    extract: SafeString


@dataclass
class Results:
    """A page of records found: ``hits`` (each with its ``record``), the total found, the
    facet counts, and the *query* asked (its ``page`` and ``page_size``)."""

    query: object
    total: int
    hits: list[Hit]
    facets: list[Facet]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))


@dataclass(frozen=True)
class Highlight:
    """A record's highlighted title (whole) and extract (a fragment around the matches),
    both safe HTML."""

    title: SafeString
    extract: SafeString


_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'"[^"]*"?|\S+')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")


def clean_text(value: str) -> str:
    """*value* without control characters and without the highlight marks (stored text never
    contains them, so a snippet's marks are always the database's own)."""
    return _CONTROL.sub("", value or "")


def fts5_query(text: str) -> str | None:
    """The FTS5 expression for a websearch-style query, or None when it has no word to look
    for (then nothing matches, as with PostgreSQL's ``websearch_to_tsquery``).

    Words are ANDed; ``"…"`` is a phrase; ``or`` separates alternatives; ``-word`` excludes.
    Every word is quoted, so punctuation and FTS5 keywords in the input are plain text. A group
    of only excluded words (``-armed``) has nothing to match and is dropped."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for token in _TOKEN.findall(text or ""):
        if token.lower() == "or":
            if groups[-1][0] or groups[-1][1]:
                groups.append(([], []))
            continue
        negated = token.startswith("-") and len(token) > 1
        words = _WORD.findall(token)
        if not words:
            continue
        phrase = '"' + " ".join(words) + '"'
        groups[-1][1 if negated else 0].append(phrase)
    parts = []
    for positive, negative in groups:
        if not positive:
            continue
        expression = " AND ".join(positive)
        for excluded in negative:
            expression = f"({expression}) NOT {excluded}"
        parts.append(f"({expression})")
    return " OR ".join(parts) or None


def marked(text: str) -> SafeString:
    """*text* escaped, then each marked match wrapped in ``<mark>``. Marks that do not pair up
    are dropped, so the result is always well-formed."""
    out: list[str] = []
    inside = False
    for part in re.split(f"([{START}{STOP}])", text or ""):
        if part == START:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == STOP:
            if inside:
                out.append("</mark>")
                inside = False
        elif part:
            out.append(str(escape(part)))
    if inside:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 — every text part was escaped above


def _spec(model: type[models.Model]) -> FullText:
    spec = getattr(model, "full_text", None)
    if spec is None:
        raise LookupError(f"{model._meta.label} declares no full_text")
    return spec


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_query(text: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, search_type="websearch", config=PG_CONFIG)


def _unfiltered(queryset: models.QuerySet) -> bool:
    """True when *queryset* is the model's whole table (no filter, e.g. the library for a
    member who sees every organisation's entries): the FTS table can then be asked alone."""
    return not queryset.query.where.children and not queryset.query.is_sliced


def matching(queryset: models.QuerySet, text: str) -> models.QuerySet:
    """*queryset* narrowed to the records that match *text* (unordered: for counts and facets;
    :func:`ranked` orders them)."""
    if _postgres():
        return queryset.filter(search_vector=_pg_query(text))
    expression = fts5_query(text)
    if expression is None:
        return queryset.none()
    spec = _spec(queryset.model)
    return queryset.filter(pk__in=models.expressions.RawSQL(
        f"SELECT rowid FROM {spec.table} WHERE {spec.table} MATCH %s", [expression]))


def _rowid_filter(queryset: models.QuerySet) -> tuple[str, list]:
    """SQL (and parameters) restricting an FTS5 query to the rows of *queryset*."""
    if _unfiltered(queryset):
        return "", []
    inner, params = queryset.order_by().values("pk").query.sql_with_params()
    return f" AND rowid IN ({inner})", list(params)


def ranked(queryset: models.QuerySet, text: str, *, limit: int, offset: int = 0,
           words: int = 40) -> list[tuple[int, Highlight]]:
    """The best matches of *text* within *queryset*, best first — the page [offset, offset +
    limit) — each with its highlighted title and extract."""
    spec = _spec(queryset.model)
    if _postgres():
        from django.contrib.postgres.search import SearchRank

        query = _pg_query(text)
        rows = (queryset.filter(search_vector=query)
                .annotate(search_rank=SearchRank(models.F("search_vector"), query))
                .order_by("-search_rank", "pk").values_list("pk", flat=True))
        pks = list(rows[offset:offset + limit])
        marks = _pg_highlights(queryset.model, pks, text, words)
        return [(pk, marks[pk]) for pk in pks if pk in marks]
    expression = fts5_query(text)
    if expression is None:
        return []
    restrict, params = _rowid_filter(queryset)
    column = spec.columns.index(spec.snippet)
    # ORDER BY rank: FTS5 sorts by its bm25 rank itself (weights set in migration 0002) and
    # computes highlight() and snippet() for the rows of the page only.
    sql = (f"SELECT rowid, highlight({spec.table}, 0, %s, %s), "
           f"snippet({spec.table}, {column}, %s, %s, %s, %s) FROM {spec.table} "
           f"WHERE {spec.table} MATCH %s{restrict} ORDER BY rank LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, START, STOP, ELLIPSIS, min(64, words), expression,
                             *params, limit, offset])
        return [(pk, Highlight(marked(t), marked(e))) for pk, t, e in cursor.fetchall()]


def count(queryset: models.QuerySet, text: str) -> int:
    """How many records of *queryset* match *text*."""
    if not _postgres() and _unfiltered(queryset):
        expression = fts5_query(text)
        if expression is None:
            return 0
        spec = _spec(queryset.model)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {spec.table} WHERE {spec.table} MATCH %s",
                           [expression])
            return cursor.fetchone()[0]
    return matching(queryset, text).count()


def _pg_highlights(model: type[models.Model], pks: list[int], text: str,
                   words: int) -> dict[int, Highlight]:
    """PostgreSQL's headlines for the rows of one page (computed for these rows only:
    ts_headline re-reads the whole text)."""
    from django.contrib.postgres.search import SearchHeadline

    spec = _spec(model)
    if not pks:
        return {}
    query = _pg_query(text)
    options = {"config": PG_CONFIG, "start_sel": START, "stop_sel": STOP}
    rows = model._base_manager.filter(pk__in=pks).annotate(
        marked_title=SearchHeadline(spec.columns[0], query, highlight_all=True, **options),
        marked_extract=SearchHeadline(spec.snippet, query, max_words=words,
                                      min_words=min(15, words), max_fragments=2,
                                      fragment_delimiter=f" {ELLIPSIS} ", **options),
    ).values_list("pk", "marked_title", "marked_extract")
    return {pk: Highlight(marked(t), marked(e)) for pk, t, e in rows}


def plain(model: type[models.Model], obj: models.Model, *, words: int = 40) -> Highlight:
    """A record's title and the start of its extract column, escaped, without marks (shown
    when there is no search)."""
    spec = _spec(model)
    text = getattr(obj, spec.snippet) or ""
    cut = text.split()
    extract = " ".join(cut[:words]) + (f" {ELLIPSIS}" if len(cut) > words else "")
    return Highlight(marked(getattr(obj, spec.columns[0])), marked(extract))


def page_of(queryset: models.QuerySet, text: str, *, page: int, page_size: int,
            order: tuple, related: tuple[str, ...] = (), defer: tuple[str, ...] = ()
            ) -> tuple[int, list[Hit], models.QuerySet]:
    """One page of *queryset*: the best matches of *text* (ranked, highlighted), or without
    words the records in *order*. Returns the total found, the page's hits and the records
    found (all pages, unordered: what facets count). The records are loaded with *related*
    prefetched; *defer* names columns a page with words does not show (the extract comes
    from the search)."""
    model = queryset.model
    offset = (max(page, 1) - 1) * page_size
    text = text.strip()
    if text:
        total = count(queryset, text)
        marks = dict(ranked(queryset, text, limit=page_size, offset=offset)) if total else {}
        pks = list(marks)
        found = matching(queryset, text)
    else:
        total = queryset.count()
        pks = list(queryset.order_by(*order).values_list("pk", flat=True)
                   [offset:offset + page_size])
        marks, found, defer = {}, queryset, ()
    rows = (model._base_manager.prefetch_related(*related)
            .defer("search_vector", *defer).in_bulk(pks))
    hits = []
    for pk in pks:
        if pk in rows:
            shown = marks.get(pk) or plain(model, rows[pk])
            hits.append(Hit(rows[pk], shown.title, shown.extract))
    return total, hits, found
