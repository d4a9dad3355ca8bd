"""The query store of a version (graph/store.py) and how the server reads it (server/engine/).

Expectations are computed from the published dataset.nq with Python sets, never from the store."""
from __future__ import annotations

import json
import shutil
from collections import Counter

import pyoxigraph as ox
import pytest

from alliance_kg.graph.store import STORE_DIR, default_graphs, max_out_degree, merged_name, only_published_graphs, service_defaults
from alliance_kg.server.config import ServerConfig
from alliance_kg.server.dataset import PublishedDataset
from alliance_kg.server.engine import QueryRequest
from alliance_kg.server.engine.bounded import cost_bound
from alliance_kg.server.engine.embedded import OxigraphEngine
from alliance_kg.server.engine.layout import QueryDataset
from tests.helpers import AK, BASE, ID, published_dir

INFERRED = BASE + "graph/inferred"


@pytest.fixture(scope="module")
def quads(build_dir) -> list[ox.Quad]:
    return list(ox.parse(path=str(published_dir(build_dir) / "dataset.nq"), format=ox.RdfFormat.N_QUADS))


def triples_by_graph(quads) -> dict[str, set]:
    out: dict[str, set] = {}
    for q in quads:
        out.setdefault(q.graph_name.value, set()).add(ox.Triple(q.subject, q.predicate, q.object))
    return out


def test_every_version_has_its_query_store_and_publishes_nothing_of_it(build_dir):
    version = published_dir(build_dir)
    manifest = json.loads((version / "manifest.json").read_text())
    assert (version / STORE_DIR).is_dir()
    assert all(not f["name"].startswith(STORE_DIR) for f in manifest["files"])
    assert STORE_DIR not in (version / "void.ttl").read_text()


def _graph_key(name) -> str:
    return "" if isinstance(name, ox.DefaultGraph) else name.value


def test_the_store_holds_each_graph_as_published_and_the_default_graph_merged(build_dir, quads):
    directory = published_dir(build_dir) / STORE_DIR
    store = ox.Store.read_only(str(directory))
    expected = triples_by_graph(quads)
    stored: dict[str, set] = {}
    for q in store:
        stored.setdefault(_graph_key(q.graph_name), set()).add(ox.Triple(q.subject, q.predicate, q.object))
    for graph, triples in expected.items():
        assert stored.pop(graph) == triples, graph
    # Each of the service's default graphs is given to pyoxigraph as graphs that are together a set:
    # one merge, or (when they share no triple) the asserted merge and the inferred graph.
    defaults = service_defaults(expected, INFERRED)
    for which, names in default_graphs(store, expected, INFERRED).items():
        parts = [stored.get(_graph_key(n), expected.get(_graph_key(n))) for n in names]
        assert sum(len(p) for p in parts) == len(set().union(*parts))
        assert set().union(*parts) == set().union(*(expected[g] for g in defaults[which]))
    assert default_graphs(store, expected, INFERRED)["asserted"] == [ox.DefaultGraph()]
    stored.pop("")                                      # the store's default graph: the asserted merge
    stored.pop(merged_name(defaults["all"]), None)
    assert not stored
    # ... and the facts bounded queries rely on are beside the data, where no query sees them.
    assert max_out_degree(store, directory) == max(Counter(q.subject for q in quads).values())


def test_the_usual_dataset_is_given_without_a_list_of_named_graphs(build_dir, quads):
    """A list makes pyoxigraph try each graph for every solution of an unbound GRAPH ?g; the store's
    named graphs being the published ones, the endpoint's usual dataset needs none."""
    dataset = PublishedDataset.open(build_dir)
    engine = OxigraphEngine(ServerConfig(build_dir=build_dir, workers=1), dataset)
    try:
        published = set(triples_by_graph(quads))
        assert only_published_graphs(engine.store, published)
        for which in ("asserted", "all"):
            assert "named_graphs" not in engine._graphs(which)
        # and GRAPH ?g still ranges over exactly the published graphs, in both
        for which in ("asserted", "all"):
            found = {r["g"].value for r in engine.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", graphs=which)}
            assert found == published
        # a dataset naming some of them is given its list
        some = sorted(published)[:2]
        arguments = engine.merges.direct(QueryDataset((), tuple(some)))
        assert arguments is not None and [g.value for g in arguments["named_graphs"]] == some
    finally:
        engine.close()


def test_a_store_written_before_the_merge_moved_into_the_default_graph_is_read_as_written(tmp_path):
    """Versions already published keep their store (a rebuild of the same data reuses the version)."""
    docs = [BASE + "graph/document/1", BASE + "graph/document/2"]
    a, p, b = (ox.NamedNode(ID + n) for n in "apb")
    store = ox.Store()
    store.extend([ox.Quad(a, p, b, ox.NamedNode(g)) for g in docs])
    old_merge = ox.NamedNode(merged_name(docs))
    store.add(ox.Quad(a, p, b, old_merge))
    about = ox.NamedNode("urn:x-alliance-kg:store")
    store.add(ox.Quad(about, ox.NamedNode("urn:x-alliance-kg:maxOutDegree"),
                      ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), about))
    assert default_graphs(store, docs + [INFERRED], INFERRED)["asserted"] == [old_merge]
    assert not only_published_graphs(store, docs + [INFERRED])
    assert max_out_degree(store, tmp_path) == 3


def test_the_server_opens_it_read_only(build_dir):
    dataset = PublishedDataset.open(build_dir)
    engine = OxigraphEngine(ServerConfig(build_dir=build_dir, workers=1), dataset)
    try:
        with pytest.raises(RuntimeError, match="read-write"):
            engine.store.add(ox.Quad(ox.NamedNode(ID + "x"), ox.NamedNode(AK + "p"), ox.NamedNode(ID + "y")))
    finally:
        engine.close()


def test_a_version_without_a_store_is_served_from_memory_with_the_same_answers(build_dir, tmp_path):
    """Versions written before query stores existed keep being served (loaded per process)."""
    older = tmp_path / "older"
    shutil.copytree(published_dir(build_dir), older, ignore=shutil.ignore_patterns(STORE_DIR))
    config = ServerConfig(build_dir=build_dir, workers=1)
    query = f"SELECT ?p ?o WHERE {{ <{ID}Iran> ?p ?o }} ORDER BY ?p ?o"
    engines = [OxigraphEngine(config, PublishedDataset.open(d)) for d in (published_dir(build_dir), older)]
    try:
        assert engines[1].store is not None and PublishedDataset.open(older).store is None
        for graphs in ("asserted", "all"):
            assert engines[0].select(query, graphs=graphs) == engines[1].select(query, graphs=graphs)
        request = QueryRequest(f"SELECT ?s ?p ?o FROM <{BASE}graph/actors> FROM <{INFERRED}> WHERE {{ ?s ?p ?o }} "
                               "ORDER BY ?s ?p ?o")
        assert engines[0].run(request, "tsv").body == engines[1].run(request, "tsv").body
    finally:
        for engine in engines:
            engine.close()


BOUNDED = [
    f"SELECT ?p ?o WHERE {{ <{ID}Iran> ?p ?o }}",
    f"SELECT DISTINCT ?c WHERE {{ <{ID}Iran> ?p ?b . ?b ?q ?c . FILTER(isIRI(?c)) }} ORDER BY ?c",
    f"PREFIX ak: <{AK}> SELECT (COUNT(*) AS ?n) WHERE {{ <{ID}Iran> ak:hasProxy ?x ; a ?t }}",
    f"ASK {{ <{ID}Iran> <{AK}hasProxy> <{ID}Hezbollah> }}",
    f"CONSTRUCT {{ ?o ?p <{ID}Iran> }} WHERE {{ <{ID}Iran> ?p ?o . FILTER(isIRI(?o)) }}",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
]
UNBOUNDED = [
    "SELECT ?d (COUNT(?c) AS ?n) (SUM(?e) AS ?m) WHERE { { SELECT ?c (COUNT(?a) AS ?e) WHERE { ?c ?p ?a } "
    "GROUP BY ?c } ?d ?q ?c } GROUP BY ?d",                         # two aggregates (once read for ever)
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",     # every triple
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 5",                 # sorted before the limit
    "SELECT * WHERE { ?s ?p ?o FILTER(?o = 1) } LIMIT 5",              # may scan everything for 5
    f"SELECT * WHERE {{ ?x ?p ?o . <{ID}Iran> ?q ?x }}",               # the first pattern is free
    f"SELECT * WHERE {{ <{ID}Iran> <{AK}alliedWith>* ?o }}",            # a path
    f"SELECT * WHERE {{ <{ID}Iran> ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"SELECT * WHERE {{ <{ID}Iran> ?p ?o FILTER NOT EXISTS {{ ?o ?q ?r }} }}",
    f"SELECT * WHERE {{ <{ID}Iran> ?p ?o FILTER(EXISTS {{ ?o ?q ?r }}) }}",
    f"SELECT * WHERE {{ <{ID}Iran> ?p _:b . _:b ?q ?r }}",
    f"SELECT * WHERE {{ <{ID}Iran> ?p ?o . ?o ?q 3.5 }}",               # (decimals are not read: refused)
    "SELECT * WHERE { { SELECT * { ?s ?p ?o } } }",
    f"SELECT * WHERE {{ <{ID}Iran> ?p ?o }} VALUES ?o {{ 1 }}",
    f"SELECT * FROM <{BASE}graph/actors> WHERE {{ <{ID}Iran> ?p ?o }}",
    f"DESCRIBE <{ID}Iran>",
    f"SELECT * WHERE {{ SERVICE <http://example.org/sparql> {{ <{ID}Iran> ?p ?o }} }}",
]


def test_cost_bounds_are_given_only_for_the_shapes_that_have_one():
    from alliance_kg.graph.config import BuildConfig

    for tour in sorted(BuildConfig.for_corpus().queries_dir.glob("*.rq")):    # each read to its end
        cost_bound(tour.read_text(encoding="utf-8"), 10)
    assert cost_bound(BOUNDED[0], 10) == 10
    assert cost_bound(BOUNDED[1], 10) == 100                   # D per pattern and solution so far
    assert cost_bound(BOUNDED[5], 10) == 5                     # a LIMIT over one streamed pattern
    assert all(cost_bound(q, 10) is not None for q in BOUNDED)
    assert [q for q in UNBOUNDED if cost_bound(q, 10) is not None] == []


@pytest.fixture(scope="module")
def engines(build_dir):
    """The same version with bounded queries run in-process, and with every query sent to a worker."""
    dataset = PublishedDataset.open(build_dir)
    pair = [OxigraphEngine(ServerConfig(build_dir=build_dir, workers=1, inline_max_cost=cost), dataset)
            for cost in (100_000, 0)]
    yield pair
    for engine in pair:
        engine.close()


@pytest.mark.parametrize("query", BOUNDED)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_in_process_answers_are_byte_for_byte_the_workers(engines, query, fmt):
    inline, pooled = engines
    if "CONSTRUCT" in query:
        fmt = {"json": "ntriples", "xml": "rdfxml", "csv": "turtle", "tsv": "nquads"}[fmt]
    request = QueryRequest(query)
    assert inline._inline(request) is not None and pooled._inline(request) is None
    assert inline.run(request, fmt) == pooled.run(request, fmt)


def test_rows_are_counted_and_capped_in_process_too(build_dir):
    dataset = PublishedDataset.open(build_dir)
    engine = OxigraphEngine(ServerConfig(build_dir=build_dir, workers=1, max_rows=3), dataset)
    try:
        answer = engine.run(QueryRequest(BOUNDED[0]), "json")
        assert engine._inline(QueryRequest(BOUNDED[0])) is not None
        assert answer.rows == 3 and answer.truncated
        small = engine.run(QueryRequest(BOUNDED[3]), "json")
        assert small.rows == 1 and not small.truncated
    finally:
        engine.close()


def test_merges_over_the_budget_are_made_per_query_and_still_a_set(build_dir, quads):
    dataset = PublishedDataset.open(build_dir)
    engine = OxigraphEngine(ServerConfig(build_dir=build_dir, workers=1, merge_budget_quads=0), dataset)
    documents = sorted(g for g in triples_by_graph(quads) if g.startswith(BASE + "graph/document/"))[:2]
    try:
        request = QueryRequest("SELECT * WHERE { ?s ?p ?o }", default_graph_uris=tuple(documents))
        for _ in range(2):
            answer = engine.run(request, "tsv")
            graphs = triples_by_graph(quads)
            assert answer.rows == len(graphs[documents[0]] | graphs[documents[1]])
    finally:
        engine.close()


def test_solutions_are_counted_exactly_in_every_results_format():
    from alliance_kg.graph.formats import RESULT_FORMATS
    from alliance_kg.server.engine.worker import count_solutions

    store = ox.Store()
    tricky = ox.Literal('two\nlines\t<result> "quoted",')
    store.extend([ox.Quad(ox.NamedNode(ID + f"x{i}"), ox.NamedNode(AK + "p"), value)
                  for i, value in enumerate([tricky, ox.Literal("plain"), ox.NamedNode(ID + "y")])])
    for fmt in RESULT_FORMATS:
        body = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }").serialize(format=fmt.oxigraph)
        assert count_solutions(body, fmt) == 3, fmt.name


@pytest.mark.parametrize("inferred_repeats_an_asserted_triple", [True, False])
def test_the_default_graphs_are_sets_whether_or_not_inference_repeats_an_assertion(
        tmp_path, inferred_repeats_an_asserted_triple):
    from alliance_kg.graph.store import fill

    a, p, q, b, c = (f"<{ID}{n}>" for n in "apqbc")
    docs, inferred = [BASE + "graph/document/1", BASE + "graph/document/2"], INFERRED
    lines = [f"{a} {p} {b} <{docs[0]}> .", f"{a} {p} {b} <{docs[1]}> .", f"{a} {q} {c} <{inferred}> ."]
    if inferred_repeats_an_asserted_triple:
        lines.append(f"{a} {p} {b} <{inferred}> .")
    (tmp_path / "dataset.nq").write_text("\n".join(lines) + "\n")
    store = ox.Store()
    largest = fill(store, tmp_path / "dataset.nq", docs + [inferred], inferred, tmp_path / "scratch.nt")
    graphs = default_graphs(store, docs + [inferred], inferred)
    assert len(graphs["all"]) == (1 if inferred_repeats_an_asserted_triple else 2)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert [int(r["n"].value) for r in store.query(count, default_graph=graphs["asserted"])] == [1]
    assert [int(r["n"].value) for r in store.query(count, default_graph=graphs["all"])] == [2]
    assert largest == len(lines) and not (tmp_path / "scratch.nt").exists()
    assert only_published_graphs(store, docs + [inferred]) is not inferred_repeats_an_asserted_triple


TOKENS = ["SELECT", "ASK", "CONSTRUCT", "WHERE", "DISTINCT", "FILTER", "OPTIONAL", "GROUP", "ORDER", "BY", "HAVING",
          "LIMIT", "OFFSET", "ASC", "DESC", "COUNT", "AS", "a", "true", "{", "}", "(", ")", ".", ";", ",", "*", "@",
          "-", "^", "5", "?s", "?p", "?o", f"<{ID}Iran>", "ak:p", '"x"', "_:b", "PREFIX", "ak:", "<x>", "#c\n"]


def test_reading_a_query_for_its_bound_always_ends():
    """It runs on the web server's own thread for every query: it must end on any text (a loop that
    consumes nothing was found once: on a second aggregate in the projection)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=400, derandomize=True, deadline=None)
    @given(st.lists(st.sampled_from(TOKENS), max_size=30))
    def ends(parts):
        cost_bound(" ".join(parts), 10)
    ends()
