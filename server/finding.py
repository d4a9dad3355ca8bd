"""The claims as rows to filter, count and compare: what the pair page and the claims browser read.

Every claim's subject, relation, object, modality, polarity, document and OWL-Time interval (years)
is read once per dataset version from the claims table the build writes into the search index
(graph/search_index.py); facets are then counted in memory, which keeps a facet page to milliseconds
however the user combines them. The SPARQL that selects the same claims
is written out too (`sparql_for`), so that what a user downloads names the query that chose it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

from alliance_kg.graph.vocabulary import PREFIXES, relations
from alliance_kg.server.app import site
from alliance_kg.server.cache import computed_once
from alliance_kg.server.describe import SPARQL_PREFIXES

TIES = ("cooperative", "hostile", "other")

@dataclass
class Row:
    """One claim, flat: every field a facet or the time axis needs."""

    iri: str
    label: str
    subject: str
    subject_key: str
    subject_label: str
    relation: str
    relation_key: str      # local name for ak: relations, a CURIE (org:headOf) for the others
    relation_label: str
    tie: str               # cooperative | hostile | other (from the ontology)
    symmetric: bool
    object: str
    object_key: str
    object_label: str
    object_is_iri: bool
    modality: str          # asserted | hedged
    polarity: str          # affirmed | negated
    document: str
    document_key: str
    document_title: str
    begin: int | None
    end: int | None
    time: str | None

    @property
    def dated(self) -> bool:
        return self.time is not None

    def overlaps(self, start: int | None, stop: int | None) -> bool:
        """Does the claim's interval meet [start, stop] (open bounds are open)? Undated claims never do."""
        if not self.dated:
            return False
        return (start is None or self.end is None or self.end >= start) and \
               (stop is None or self.begin is None or self.begin <= stop)


def _local(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


def relation_key(iri: str, ontology: str | None = None) -> str:
    ont = ontology or str(site().iris.ONT)
    if iri.startswith(ont):
        return iri[len(ont):]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def relation_iri(key: str) -> str:
    prefix, colon, local = key.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return str(site().iris.ONT) + key


def _load(snapshot) -> list[Row]:
    """Every claim of a snapshot's version, from the claims table the build writes into the search index."""
    from alliance_kg.server.search import index

    iris = snapshot.iris
    idspace, docspace, ontology = iris.base + "id/", iris.base + "document/", str(iris.ONT)
    ties = relations()
    keys: dict[str, str] = {}
    out = []
    for (iri, label, s, s_label, p, p_label, o, o_is_iri, o_label, modality, polarity, doc, doc_title, time,
         begin, end) in index(snapshot.dataset).claims():
        key = keys.get(p)
        if key is None:
            key = keys[p] = relation_key(p, ontology)
        relation = ties.get(key)
        out.append(Row(
            iri=iri, label=label, subject=s, subject_key=_local(s, idspace), subject_label=s_label or s,
            relation=p, relation_key=key, relation_label=p_label or p,
            tie=relation.tie if relation else "other", symmetric=bool(relation and relation.symmetric),
            object=o, object_key=_local(o, idspace), object_label=o_label or o, object_is_iri=bool(o_is_iri),
            modality="hedged" if modality.endswith("Hedged") else "asserted",
            polarity="negated" if polarity.endswith("Negated") else "affirmed",
            document=doc, document_key=_local(doc, docspace), document_title=doc_title,
            begin=begin, end=end, time=time))
    return sorted(out, key=lambda c: (c.subject_label, c.relation_label, c.object_label, c.begin or 0, c.iri))


class Table:
    """One version's claims, with each facet's value per row laid out once, and recent facet answers."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.columns = {name: [get(r) for r in rows] for name, get in FACETS.items()}
        # A value's label, from its first row (reversed: the first row's entry is written last).
        self.labels: dict[str, dict[str, str]] = {
            "relation": {r.relation_key: r.relation_label for r in reversed(rows)},
            "subject": {r.subject_key: r.subject_label for r in reversed(rows)},
            "object": {r.object_key: r.object_label for r in reversed(rows)},
            "document": {r.document_key: r.document_title for r in reversed(rows)}}
        for name in FACETS.keys() - self.labels.keys():
            self.labels[name] = {v: v for v in set(self.columns[name])}
        self.ties = {(r.relation_key, r.tie) for r in rows}
        self.by_iri = {r.iri: r for r in rows}
        self.answers: OrderedDict[tuple, tuple] = OrderedDict()   # selection -> (rows, counts)
        self.lock = threading.Lock()

    # The pages' lists, each laid out on first use (the facet page needs none of them).
    @cached_property
    def by_document(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for r in sorted(self.rows, key=lambda r: (r.relation_label, r.subject_label, r.object_label, r.iri)):
            out.setdefault(r.document, []).append(r)
        return out

    # An entity page's two lists: claims by subject and by object (a claim of an actor about itself is
    # among what it does only), each in the order a reader scans them: relation, then the other actor.
    @cached_property
    def by_subject(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for r in sorted(self.rows, key=lambda r: (r.relation_label, r.object_label, r.begin or 0, r.iri)):
            out.setdefault(r.subject, []).append(r)
        return out

    @cached_property
    def by_object(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for r in sorted(self.rows, key=lambda r: (r.relation_label, r.subject_label, r.begin or 0, r.iri)):
            if r.object != r.subject:
                out.setdefault(r.object, []).append(r)
        return out


@computed_once(maxsize=3)
def _table(version: str, snapshot) -> Table:
    return Table(_load(snapshot))


def table(snapshot=None) -> Table:
    """The claims of the request's dataset version (or of `snapshot`), read once per version."""
    snapshot = snapshot or site().snapshot()
    return _table(snapshot.version, snapshot)


def warm(snapshot) -> None:
    """Read a version's claims before its first request needs them (on start and before a reload
    swaps the version in): the first facet page after a reload is then as fast as any other."""
    t = table(snapshot)
    t.by_subject, t.by_object    # noqa: B018 (laid out now, not on the first entity page)
    _answer(Selection(), t)      # the claims browser's landing page: every claim, every facet counted


def all_rows() -> list[Row]:
    return table().rows


# --- an entity page's claims, a page at a time ---------------------------------------------------------

@dataclass
class Listing:
    """One page of the claims with an actor as subject (or as object), and what every page holds."""

    rows: list[Row]                            # this page's claims
    total: int
    page: int
    pages: int
    size: int
    relations: list[tuple[str, str, int]]      # (relation key, label, claims) over every page, most first

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


class PageOutOfRange(ValueError):
    """A page number past the last page (a 404: that page does not exist)."""


def listing(iri: str, role: str, page: int, size: int) -> Listing:
    """Page `page` (1-based) of `size` claims whose `role` ("subject" or "object") is the actor `iri`."""
    t = table()
    rows = (t.by_subject if role == "subject" else t.by_object).get(iri, [])
    pages = max(1, -(-len(rows) // size))
    if page > pages:
        raise PageOutOfRange(f"page {page} is past the last page ({pages}) of these claims")
    counts: dict[str, list] = {}
    for r in rows:
        counts.setdefault(r.relation_key, [r.relation_label, 0])[1] += 1
    relations = sorted(((k, label, n) for k, (label, n) in counts.items()), key=lambda t: (-t[2], t[1]))
    return Listing(rows[(page - 1) * size: page * size], len(rows), page, pages, size, relations)


# --- the claims browser: facets ----------------------------------------------------------------

# facet name -> (query parameter, the row's value for it)
FACETS = {
    "tie": lambda r: r.tie,
    "relation": lambda r: r.relation_key,
    "subject": lambda r: r.subject_key,
    "object": lambda r: r.object_key,
    "modality": lambda r: r.modality,
    "polarity": lambda r: r.polarity,
    "document": lambda r: r.document_key,
}
PERIOD = ("from", "to", "undated")


@dataclass
class Selection:
    """A facet state, as read from (and written back to) a URL's query string."""

    chosen: dict[str, tuple[str, ...]] = field(default_factory=dict)   # facet -> accepted values (OR)
    start: int | None = None     # period: claims whose interval meets [start, stop]
    stop: int | None = None
    undated: bool = False        # with a period: keep the undated claims too

    @classmethod
    def from_args(cls, args) -> "Selection":
        """From request.args; raises ValueError naming the parameter when a year is not one."""
        chosen = {name: tuple(sorted(set(v for v in args.getlist(name) if v))) for name in FACETS}
        years = {}
        for name in ("from", "to"):
            text = args.get(name, "").strip()
            if text:
                try:
                    years[name] = int(text)
                except ValueError:
                    raise ValueError(f"parameter {name!r} must be a year (an integer), not {text!r}") from None
        return cls({k: v for k, v in chosen.items() if v}, years.get("from"), years.get("to"),
                   args.get("undated") in ("1", "yes", "on", "true"))

    @property
    def has_period(self) -> bool:
        return self.start is not None or self.stop is not None

    def params(self) -> list[tuple[str, str]]:
        out = [(name, v) for name in FACETS for v in self.chosen.get(name, ())]
        if self.start is not None:
            out.append(("from", str(self.start)))
        if self.stop is not None:
            out.append(("to", str(self.stop)))
        if self.undated and self.has_period:
            out.append(("undated", "1"))
        return out

    def toggled(self, name: str, value: str) -> "Selection":
        """The same state with one facet value added or removed (for the facet links)."""
        values = set(self.chosen.get(name, ()))
        values ^= {value}
        chosen = {**self.chosen, name: tuple(sorted(values))}
        return Selection({k: v for k, v in chosen.items() if v}, self.start, self.stop, self.undated)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    chosen: bool


ANSWERS_KEPT = 256   # facet states remembered per version: shared links and paging hit them again


def _answer(selection: Selection, t: Table | None = None) -> tuple[list[Row], dict[str, dict[str, int]]]:
    """The rows a selection keeps, and for each facet how many rows each value would keep.

    One pass: a row that meets every constraint counts for every facet; a row that fails exactly one
    constraint counts only for that constraint's facet (choosing another value there could keep it);
    a row that fails two counts nowhere.
    """
    t = t or table()
    key = tuple(selection.params())
    with t.lock:
        cached = t.answers.get(key)
        if cached is not None:
            t.answers.move_to_end(key)
            return cached
    checks = [(name, t.columns[name], set(values)) for name, values in selection.chosen.items()]
    period = selection.has_period
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    columns = list(t.columns.items())
    kept = []
    for i, row in enumerate(t.rows):
        failed, failures = None, 0
        for name, column, accepted in checks:
            if column[i] not in accepted:
                failed, failures = name, failures + 1
                if failures > 1:
                    break
        if period and failures < 2 and not (row.overlaps(selection.start, selection.stop)
                                            or (selection.undated and not row.dated)):
            failed, failures = "period", failures + 1
        if failures == 0:
            kept.append(row)
            for name, column in columns:
                bucket = counts[name]
                bucket[column[i]] = bucket.get(column[i], 0) + 1
        elif failures == 1 and failed != "period":
            bucket = counts[failed]
            value = t.columns[failed][i]
            bucket[value] = bucket.get(value, 0) + 1
    answer = (kept, counts)
    with t.lock:
        t.answers[key] = answer
        while len(t.answers) > ANSWERS_KEPT:
            t.answers.popitem(last=False)
    return answer


def select(selection: Selection) -> list[Row]:
    return _answer(selection)[0]


@dataclass
class Facet:
    values: list[FacetValue]
    omitted: int = 0        # values not listed (beyond the limit), each with fewer claims than those listed


def facet_counts(selection: Selection, limit: int | None = None, expand=()) -> dict[str, Facet]:
    """For each facet, its values with the number of claims each would give with the other facets kept;
    the `limit` commonest values (and every chosen one) unless the facet is in `expand`."""
    labels = table().labels
    out = {}
    for name, found in _answer(selection)[1].items():
        counts = dict(found)
        chosen = set(selection.chosen.get(name, ()))
        for value in chosen - counts.keys():    # a chosen value that matches nothing stays visible, to undo
            counts[value] = 0
        label = lambda v: labels[name].get(v, v)  # noqa: B023 (used at once)
        order = (lambda v: TIES.index(v) if v in TIES else 9) if name == "tie" else (lambda v: (-counts[v], label(v)))
        ordered = sorted(counts, key=order)
        shown = ordered if limit is None or name in expand else \
            ordered[:limit] + [v for v in ordered[limit:] if v in chosen]
        out[name] = Facet([FacetValue(v, label(v), counts[v], v in chosen) for v in shown], len(ordered) - len(shown))
    return out


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def sparql_for(selection: Selection) -> str:
    """A SPARQL query over the endpoint's default graph that selects the same claims as `selection`."""
    iris = site().iris
    ont = str(iris.ONT)
    lines = [f"{SPARQL_PREFIXES}\nPREFIX ak: <{ont}>", "SELECT DISTINCT ?claim WHERE {",
             "  ?claim a ak:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;",
             "         ak:modality ?modality ; ak:polarity ?polarity ; prov:wasDerivedFrom ?doc ."]
    ties = relations()
    chosen = selection.chosen
    if "tie" in chosen:
        # The relations of the chosen ties, as the ontology classifies them (ak:cooperativeTie, ak:hostileTie).
        keys = sorted({key for key, tie in table().ties if tie in chosen["tie"]} |
                      {k for k, rel in ties.items() if rel.tie in chosen["tie"]})
        lines.append("  VALUES ?p { " + " ".join(f"<{relation_iri(k)}>" for k in keys) + " }  # tie: " +
                     ", ".join(chosen["tie"]))
    if "relation" in chosen:
        lines.append("  VALUES ?p { " + " ".join(f"<{relation_iri(k)}>" for k in chosen["relation"]) + " }")
    for name, var in (("subject", "?s"), ("object", "?o")):
        if name in chosen:
            actors = ", ".join(f"<{iris.base}id/{v}>" for v in chosen[name] if _is_name(v))
            if name == "object":   # an object may also be a value (numberOfFighters 200000)
                values = ", ".join(_literal(v) for v in chosen[name])
                lines.append(f"  FILTER({var} IN ({actors}) || (isLiteral({var}) && STR({var}) IN ({values})))")
            else:
                lines.append(f"  FILTER({var} IN ({actors}))")
    if "modality" in chosen:
        lines.append("  VALUES ?modality { " + " ".join(f"ak:{v.capitalize()}" for v in chosen["modality"]) + " }")
    if "polarity" in chosen:
        lines.append("  VALUES ?polarity { " + " ".join(f"ak:{v.capitalize()}" for v in chosen["polarity"]) + " }")
    if "document" in chosen:
        lines.append("  VALUES ?doc { " + " ".join(f"<{iris.base}document/{v}>" for v in chosen["document"]) + " }")
    if selection.has_period:
        lines.append("  OPTIONAL { ?claim ak:validDuring ?t }")
        lines.append("  OPTIONAL { ?claim ak:validDuring/time:hasBeginning/time:inXSDgYear ?begin }")
        lines.append("  OPTIONAL { ?claim ak:validDuring/time:hasEnd/time:inXSDgYear ?end }")
        meets = ["BOUND(?t)"]
        if selection.start is not None:
            meets.append(f"(!BOUND(?end) || xsd:integer(STR(?end)) >= {selection.start})")
        if selection.stop is not None:
            meets.append(f"(!BOUND(?begin) || xsd:integer(STR(?begin)) <= {selection.stop})")
        condition = " && ".join(meets)
        if selection.undated:
            condition = f"({condition}) || !BOUND(?t)"
        lines.append(f"  FILTER({condition})")
    lines.append("}\nORDER BY ?claim")
    return "\n".join(lines) + "\n"


def _is_name(value: str) -> bool:
    from alliance_kg.graph.iris import NAME_PATTERN
    return bool(NAME_PATTERN.match(value))


# --- the pair page ---------------------------------------------------------------------------------

def between(a: str, b: str) -> list[Row]:
    """Every claim with one actor as subject and the other as object (keys are actor local names)."""
    return [r for r in all_rows() if {r.subject_key, r.object_key} == {a, b} and r.object_is_iri and a != b]


@dataclass
class Tally:
    """What the documents say of one relation between the two, in one direction (or none, if symmetric)."""

    relation_key: str
    relation_label: str
    subject_label: str
    object_label: str
    symmetric: bool
    supporting: set[str] = field(default_factory=set)   # document IRIs that affirm it
    denying: set[str] = field(default_factory=set)      # document IRIs that deny it
    hedged: int = 0
    claims: int = 0


def tallies(rows: list[Row]) -> list[Tally]:
    out: dict[tuple, Tally] = {}
    for r in rows:
        # A symmetric relation has no direction: Iran alliedWith Iraq and Iraq alliedWith Iran are one.
        ends = tuple(sorted((r.subject_key, r.object_key))) if r.symmetric else (r.subject_key, r.object_key)
        key = (r.relation_key, ends)
        tally = out.get(key)
        if tally is None:
            first, second = (r.subject_label, r.object_label)
            if r.symmetric and ends[0] != r.subject_key:
                first, second = second, first
            tally = out[key] = Tally(r.relation_key, r.relation_label, first, second, r.symmetric)
        (tally.denying if r.polarity == "negated" else tally.supporting).add(r.document)
        tally.hedged += r.modality == "hedged"
        tally.claims += 1
    return sorted(out.values(), key=lambda t: (-len(t.supporting) - len(t.denying), t.relation_label, t.subject_label))


def contested(rows: list[Row]) -> list[tuple[Row, Row]]:
    """Pairs of claims that contradict each other (same relation, opposite polarity) in overlapping time.

    The same reading as the SHACL warning akshape:OverlapShape: a missing bound is open and an undated
    claim is not compared (it would contradict every dated one).
    """
    out = []
    affirmed = [r for r in rows if r.polarity == "affirmed" and r.dated]
    for denied in (r for r in rows if r.polarity == "negated" and r.dated):
        for other in affirmed:
            same_way = (other.subject_key, other.object_key) == (denied.subject_key, denied.object_key)
            if other.relation_key == denied.relation_key and (same_way or denied.symmetric) \
                    and other.overlaps(denied.begin, denied.end):
                out.append((other, denied))
    return out


# --- claim views for a page of rows ------------------------------------------------------------------

# A claim, its evidence and qualifiers live in its document's named graph: matching inside GRAPH ?g
# reads the quad indexes directly, where the endpoint's default graph (a union of every asserted
# graph) costs several times more as documents multiply.
PAGE_QUERY = """
SELECT ?claim ?ev ?quote ?start ?end ?hedge ?kind ?note WHERE {
  %s
  { GRAPH ?g { ?claim ak:evidence ?ev . ?ev oa:hasTarget ?target . ?target oa:hasSelector ?qs, ?ps .
               ?qs oa:exact ?quote . ?ps oa:start ?start ; oa:end ?end . } }
  UNION { GRAPH ?g { ?claim ak:hedgeCue ?hedge } }
  UNION { GRAPH ?g { ?claim skos:editorialNote ?note } }
  UNION { GRAPH ?g { ?claim ak:supportKind ?k } GRAPH ?o { ?k skos:prefLabel ?kind } }
}"""


def views(rows: list[Row]) -> list:
    """The rows as the pages' claim views (server/describe.py ClaimView, for templates/_claim.html), in order."""
    from alliance_kg.server.describe import ClaimView, Evidence

    if not rows:
        return []
    out = {r.iri: ClaimView(
        iri=r.iri, label=r.label, subject=r.subject, subject_label=r.subject_label, relation=r.relation,
        relation_label=r.relation_label, object=r.object, object_label=r.object_label, object_is_iri=r.object_is_iri,
        modality=str(site().iris.ONT) + r.modality.capitalize(), hedge=None,
        polarity=str(site().iris.ONT) + r.polarity.capitalize(), time=r.time, document=r.document) for r in rows}
    titles = {r.iri: r.document_title for r in rows}
    values = "VALUES ?claim { " + " ".join(f"<{r.iri}>" for r in rows) + " }"
    for s in site().engine.select(f"{SPARQL_PREFIXES}\nPREFIX ak: <{site().iris.ONT}>\n" + PAGE_QUERY % values):
        view = out[s["claim"].value]
        if "ev" in s and not any(e.annotation == s["ev"].value for e in view.evidence):
            view.evidence.append(Evidence(s["ev"].value, s["quote"].value, view.document, titles[view.iri],
                                          int(s["start"].value), int(s["end"].value)))
        if "hedge" in s:
            view.hedge = s["hedge"].value
        if "note" in s:
            view.note = s["note"].value
        if "kind" in s and s["kind"].value not in view.support:
            view.support.append(s["kind"].value)
    for view in out.values():
        view.support.sort()
        view.evidence.sort(key=lambda e: (e.document, e.start))
    return [out[r.iri] for r in rows]
