"""Validate the asserted graph against ontology/shapes.ttl with pyshacl, and report it readably.

Each result names the curated file and line its focus node came from, so a violation points at the
YAML entry to fix, not just at an IRI.

The build validates in parts (`validate_documents`, `validate_spanning`): the shapes whose focus
nodes live in one document run over the documents (only those an earlier build with the same inputs
did not validate, graph/cache.py), the shapes that span documents run once over an index of what they
read. Both are pyshacl; `validate` over the whole graph is the reference they are tested against
(tests/test_incremental.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, BNode, Graph, Literal, URIRef

from alliance_kg.graph.curation import BuildError, Origin
from alliance_kg.graph.iris import Iris
from alliance_kg.graph.publish import ox_terms
from alliance_kg.graph.vocabulary import SH, TIME


class ValidationFailed(BuildError):
    def __init__(self, outcome: "ValidationOutcome"):
        self.outcome = outcome
        super().__init__(f"the graph does not conform to the shapes ({outcome.violations} violation(s)):\n"
                         + outcome.text())


@dataclass(frozen=True)
class Result:
    severity: str          # Violation | Warning | Info
    focus: str
    path: str | None
    message: str
    value: str | None
    shape: str | None
    origin: Origin | None

    def text(self) -> str:
        lines = [f"{self.severity}: {self.message}", f"  focus node: {self.focus}"]
        if self.path:
            lines.append(f"  path:       {self.path}")
        if self.value:
            lines.append(f"  value:      {self.value}")
        if self.origin:
            lines.append(f"  defined at: {self.origin}")
        return "\n".join(lines)


@dataclass
class ValidationOutcome:
    conforms: bool
    results: list[Result]
    report: Graph

    @property
    def violations(self) -> int:
        return sum(r.severity == "Violation" for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.severity == "Warning" for r in self.results)

    def text(self) -> str:
        head = (f"Conforms: {'yes' if self.violations == 0 else 'no'} — {self.violations} violation(s), "
                f"{self.warnings} warning(s)")
        return "\n\n".join([head] + [r.text() for r in self.results])


def _origin(node, origins: dict[URIRef, Origin]) -> Origin | None:
    if node in origins:
        return origins[node]
    text = str(node)   # a fragment (selector, time) lives with its parent claim or document
    return origins.get(URIRef(text.split("#", 1)[0])) if "#" in text else None


def _run(data: Graph, shapes: Graph, use_shapes: list[URIRef] | None = None) -> tuple[bool, Graph]:
    # inplace: our shapes have no SHACL rules, so nothing writes to the data graph, and advanced mode
    # would otherwise copy it first (a third of the time on a large corpus).
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                           allow_warnings=True, meta_shacl=False, inplace=True,
                                           use_shapes=use_shapes)
    return conforms, report


def outcome_of(report: Graph, origins: dict[URIRef, Origin]) -> ValidationOutcome:
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(r, SH.resultSeverity)
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        value = report.value(r, SH.value)
        results.append(Result(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=str(focus), path=str(path) if path is not None else None,
            message=str(report.value(r, SH.resultMessage) or "constraint not met"),
            value=str(value) if value is not None else None,
            shape=str(report.value(r, SH.sourceShape)) if report.value(r, SH.sourceShape) else None,
            origin=_origin(focus, origins)))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    # Total order (value and shape last): two results of one focus and path, e.g. a count and a class on
    # the same property, must not come out in the report graph's random blank-node order.
    results.sort(key=lambda x: (order.get(x.severity, 3), x.focus, x.path or "", x.message, x.value or "",
                                x.shape or ""))
    return ValidationOutcome(conforms=not any(x.severity == "Violation" for x in results), results=results,
                             report=report)


def validate(data: Graph, shapes: Graph, origins: dict[URIRef, Origin]) -> ValidationOutcome:
    """All shapes over one graph: the reference the validation in parts must agree with."""
    return outcome_of(_run(data, shapes)[1], origins)


# The shapes whose focus nodes draw on more than one document: an actor's labels come from
# actors.yaml and its relations from every document; contradicting claims may sit in two documents.
# Every other named shape reads only one document's nodes, the ontology and the actors' classes.
SPANNING_SHAPES = ("LabelledThing", "GovernmentShape", "OverlapShape")
# What the spanning shapes read of a document besides its direct (actor-to-actor) triples: a claim's
# skeleton and its time.
INDEXED = (RDF.subject, RDF.predicate, RDF.object, TIME.hasBeginning, TIME.hasEnd, TIME.inXSDgYear)
INDEXED_TERMS = ("polarity", "validDuring")


def shape_split(shapes: Graph, iris: Iris) -> tuple[list[URIRef], list[URIRef]]:
    """(shapes local to a document, shapes spanning documents), by IRI."""
    named = sorted({s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)})
    spanning = [iris.SHAPES[name] for name in SPANNING_SHAPES]
    missing = [str(s) for s in spanning if s not in named]
    if missing:   # a renamed shape would otherwise silently run nowhere
        raise BuildError(f"graph/validate.py names shapes that shapes.ttl does not define: {', '.join(missing)}")
    return [s for s in named if s not in spanning], spanning


def base_graph(ontology: Graph, actors: Graph) -> Graph:
    """What every document's validation reads besides the document: the ontology and the actors' classes
    (sh:class and the relations' domains and ranges)."""
    base = Graph()   # pyshacl needs a context-aware store (it wraps the graph in a Dataset)
    for t in ontology:
        base.add(t)
    for t in actors.triples((None, RDF.type, None)):
        base.add(t)
    return base


def index_of(document: Graph, iris: Iris) -> bytes:
    """The triples of a document graph the spanning shapes read besides the direct triples (its claims'
    skeletons and times), as sorted N-Triples: pyoxigraph loads them fast, and the cache keeps them small."""
    out = list(document.triples((None, RDF.type, iris.term("Claim"))))
    for p in INDEXED + tuple(iris.term(t) for t in INDEXED_TERMS):
        out.extend(document.triples((None, p, None)))
    convert = ox_terms()
    lines = ox.serialize([ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in out],
                         format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
    return "".join(line + "\n" for line in sorted(set(lines))).encode("utf-8")


def _rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _result_triples(report: Graph, result) -> list[tuple]:
    """A result and the blank nodes it reaches (a path, a nested detail, the property shape it came from,
    which pyshacl copies into the report)."""
    out, todo, seen = [], [result], {result}
    while todo:
        node = todo.pop()
        for s, p, o in report.triples((node, None, None)):
            out.append((s, p, o))
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return out


def _targeted(data: Graph, shapes: Graph, names: list[URIRef]) -> list[URIRef]:
    """The shapes without a focus node in `data` left out: a shape with SPARQL-based targets is kept
    only when pyoxigraph finds a target for one of its queries (rdflib evaluates those queries, over
    every claim, many times slower; a shape with no focus node reports nothing)."""
    queried = {shape: _targets_by_query(shapes, shape) for shape in names}
    if not any(queried.values()):
        return names
    convert = ox_terms(blank_nodes=True)
    store = ox.Store()
    store.extend(ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in data)
    return [shape for shape in names if not queried[shape] or any(
        next(iter(store.query(query)), None) is not None for query in queried[shape])]


def validate_documents(ontology: Graph, actors: Graph, parts: list, shapes: Graph, local: list[URIRef]) -> list[tuple]:
    """Run the document-local shapes over the parts' graphs at once and give each part its own results
    (by focus node). Returns the results no document owns; a part of such a run is not cached.

    Besides the documents, the data holds the ontology and the classes of the actors the documents
    name (what sh:class and the relations' domains and ranges read), not every actor's: the run's cost
    stays that of its documents, however large the corpus."""
    data = Graph()   # pyshacl needs a context-aware store (it wraps the graph in a Dataset)
    for t in ontology:
        data.add(t)
    owner: dict = {}
    named = set()
    for part in parts:
        for t in part.graph:
            data.add(t)
            owner.setdefault(t[0], part.doc_id)
            named.update((t[0], t[2]))
    for node in named:
        for t in actors.triples((node, RDF.type, None)):
            data.add(t)
    _, report = _run(data, shapes, _targeted(data, shapes, local))
    mine: dict[str, list] = {part.doc_id: [] for part in parts}
    orphans: list[tuple] = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        doc_id = owner.get(report.value(r, SH.focusNode))
        (mine[doc_id] if doc_id is not None else orphans).extend(_result_triples(report, r))
    for part in parts:
        part.results = None if orphans else mine[part.doc_id]
    return orphans


def _targets_by_query(shapes: Graph, shape: URIRef) -> list[str]:
    """The SELECT queries of a shape's SPARQL-based targets (SHACL-AF), with their declared prefixes."""
    queries = []
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if select is None:
            continue
        head = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                       for prefixes in shapes.objects(target, SH.prefixes) for d in shapes.objects(prefixes, SH.declare))
        queries.append(head + str(select))
    return queries


def validate_spanning(base: Graph, actors: Graph, parts: list, shapes: Graph, spanning: list[URIRef],
                      memo=None) -> list[Graph]:
    """Run the spanning shapes once over the index: ontology, actors, direct triples, claim skeletons.

    A spanning shape with SPARQL-based targets (the contradiction warnings) is run by pyshacl only over
    the claims about the pairs of actors its target queries select, found first by pyoxigraph over the
    whole index (the queries join claims about one pair only); the others (the actors' shapes) read the
    actors and the direct triples whose property they constrain, and `memo` (graph/cache.py) keeps their
    report while that input is unchanged."""
    reports = []
    by_target = [s for s in spanning if _targets_by_query(shapes, s)]
    by_class = [s for s in spanning if s not in by_target]
    if by_class:
        paths = {p for shape in by_class for prop in shapes.objects(shape, SH.property)
                 for p in shapes.objects(prop, SH.path) if isinstance(p, URIRef)}
        facts = sorted({t for part in parts for t in part.direct_triples if t[1] in paths})
        key = ("actor shapes", tuple(str(s) for s in by_class), tuple(tuple(t.n3() for t in f) for f in facts))
        report = memo.get(key) if memo is not None else None
        if report is None:
            data = Graph()
            for t in base:
                data.add(t)
            for t in actors:
                data.add(t)
            for t in facts:
                data.add(t)
            report = _run(data, shapes, by_class)[1]
            if memo is not None and (None, RDF.type, SH.ValidationResult) not in report:   # (see cache.store)
                memo.put(key, report)
        reports.append(report)
    if by_target:
        convert = ox_terms(blank_nodes=True)
        store = ox.Store()
        for part in parts:
            if part.index:
                store.load(part.index, format=ox.RdfFormat.N_TRIPLES)
        store.extend(ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in base)
        selected = set()
        for shape in by_target:
            for query in _targets_by_query(shapes, shape):
                selected.update(row["this"] for row in store.query(query))
        pair = {row["c"]: frozenset((row["s"], row["o"])) for row in store.query(
            f"SELECT ?c ?s ?o WHERE {{ ?c <{RDF.subject}> ?s ; <{RDF.object}> ?o }}")}
        pairs = {pair[c] for c in selected if c in pair}
        if pairs:
            data = Graph()
            for t in base:
                data.add(t)
            todo = [c for c, ends in pair.items() if ends in pairs]
            seen = set(todo)
            while todo:    # each chosen claim, and its time nodes (fragments of its IRI)
                node = todo.pop()
                for q in store.quads_for_pattern(node, None, None):
                    data.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
                    if (isinstance(q.object, ox.NamedNode) and q.object not in seen
                            and q.object.value.startswith(node.value.split("#")[0] + "#")):
                        seen.add(q.object)
                        todo.append(q.object)
            reports.append(_run(data, shapes, by_target)[1])
    return reports


def merge_reports(results: list[tuple], reports: list[Graph]) -> Graph:
    """One validation report holding the given results and those of the given reports, as a single
    run over the whole graph would make it."""
    merged, node = Graph(), BNode()
    merged.add((node, RDF.type, SH.ValidationReport))
    for t in results:
        merged.add(t)
    for report in reports:
        tops = set(report.subjects(RDF.type, SH.ValidationReport))
        for s, p, o in report:
            if s not in tops:
                merged.add((s, p, o))
    violation = False
    for r in merged.subjects(RDF.type, SH.ValidationResult):
        merged.add((node, SH.result, r))
        violation = violation or merged.value(r, SH.resultSeverity) in (None, SH.Violation)
    merged.add((node, SH.conforms, Literal(not violation)))
    return merged
