"""The SPARQL 1.1 Service Description of this endpoint (W3C sparql11-service-description)."""
from __future__ import annotations

import pyoxigraph as ox

from alliance_kg.graph.formats import GRAPH_FORMATS, RESULT_FORMATS, Format
from alliance_kg.graph.vocabulary import PREFIXES
from alliance_kg.server.cache import computed_once

SD = PREFIXES["sd"]
VOID = PREFIXES["void"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_COMMENT = ox.NamedNode(PREFIXES["rdfs"] + "comment")
RDFS_SEE_ALSO = ox.NamedNode(PREFIXES["rdfs"] + "seeAlso")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
GEOF = "http://www.opengis.net/def/function/geosparql/"
# The GeoSPARQL functions the engine (Oxigraph) evaluates; a test probes it so this list stays true.
GEOF_FUNCTIONS = (
    "sfContains", "sfCrosses", "sfDisjoint", "sfEquals", "sfIntersects", "sfOverlaps", "sfTouches", "sfWithin",
    "ehContains", "ehCoveredBy", "ehCovers", "ehDisjoint", "ehEquals", "ehInside", "ehMeet", "ehOverlap",
    "rcc8dc", "rcc8ec", "rcc8eq", "rcc8ntpp", "rcc8ntppi", "rcc8po", "rcc8tpp", "rcc8tppi",
    "area", "asGeoJSON", "centroid", "convexHull", "coordinateDimension", "difference", "dimension", "distance",
    "envelope", "getSRID", "intersection", "isEmpty", "isSimple", "length", "relate", "spatialDimension",
    "symDifference", "union")
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


@computed_once(maxsize=8)
def _counted(key: tuple[str, str], engine) -> int:
    return int(engine.select(COUNT_TRIPLES, graphs=key[1])[0]["n"].value)


def _distinct_triples(site, graphs: str) -> int:
    """Triples of the default graph as a query sees it: the merge of its graphs, a set. Counted once
    per dataset version: the count reads every triple (0.3 s at 100x, on every GET of /sparql)."""
    return _counted((site.dataset.version, graphs), site.engine)


def service_description(endpoint_url: str, root_url: str, site, fmt: Format) -> bytes:
    endpoint = ox.NamedNode(endpoint_url)
    dataset_node = ox.NamedNode(endpoint_url + "#dataset")
    default_graph = ox.NamedNode(endpoint_url + "#default-graph")
    inferred_dataset = ox.NamedNode(endpoint_url + "#dataset-with-inferences")
    inferred_default = ox.NamedNode(endpoint_url + "#default-graph-with-inferences")
    graphs = site.dataset.graphs
    layout = site.engine.layout
    asserted = ", ".join(f"<{g}>" for g in layout.asserted)
    void_triples = ox.NamedNode(VOID + "triples")
    # No sd:UnionDefaultGraph: that feature says the default graph is the merge of *all* named graphs,
    # and ours leaves graph/inferred out unless asked.
    triples = [
        ox.Triple(endpoint, RDF_TYPE, sd("Service")),
        ox.Triple(endpoint, sd("endpoint"), endpoint),
        ox.Triple(endpoint, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(endpoint, RDFS_COMMENT, ox.Literal(
            f"Read-only SPARQL 1.1 endpoint of alliance-kg. Without a dataset in the request, the default graph "
            f"is the RDF merge (a set: a triple asserted in two graphs is one triple) of the asserted named graphs "
            f"{asserted}; the inferred graph <{layout.inferred}> is a named graph, and joins the default graph only "
            f"when the request adds the parameter inferred=true (the dataset {inferred_dataset.value}). Every "
            f"published graph is a named graph. default-graph-uri and named-graph-uri (or FROM and FROM NAMED) "
            f"give the dataset exactly: the part not given is empty. Relative IRIs resolve against this "
            f"endpoint's URL. Results are capped at {site.config.max_rows} rows (X-SPARQL-Truncated: true says so) "
            f"and queries at {site.config.timeout:g} s. GeoSPARQL functions (geof:) are evaluated.", language="en")),
        ox.Triple(endpoint, RDFS_SEE_ALSO, ox.NamedNode(root_url + ".well-known/void")),
        ox.Triple(endpoint, sd("defaultDataset"), dataset_node),
        ox.Triple(dataset_node, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset_node, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(default_graph, void_triples, ox.Literal(str(_distinct_triples(site, "asserted")), datatype=XSD_INTEGER)),
        ox.Triple(default_graph, RDFS_COMMENT, ox.Literal(
            f"The RDF merge of {asserted}.", language="en")),
        ox.Triple(inferred_dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(inferred_dataset, RDFS_COMMENT, ox.Literal(
            "The dataset of a request with inferred=true: the default graph also merges the inferred graph.",
            language="en")),
        ox.Triple(inferred_dataset, sd("defaultGraph"), inferred_default),
        ox.Triple(inferred_default, RDF_TYPE, sd("Graph")),
        ox.Triple(inferred_default, void_triples, ox.Literal(str(_distinct_triples(site, "all")), datatype=XSD_INTEGER)),
        ox.Triple(inferred_default, RDFS_COMMENT, ox.Literal(
            f"The RDF merge of {asserted} and <{layout.inferred}>.", language="en")),
    ]
    if site.config.service_allowlist:
        triples.append(ox.Triple(endpoint, sd("feature"), sd("BasicFederatedQuery")))
    for f in RESULT_FORMATS + GRAPH_FORMATS:
        triples.append(ox.Triple(endpoint, sd("resultFormat"), ox.NamedNode(f.iri)))
    for name in GEOF_FUNCTIONS:
        function = ox.NamedNode(GEOF + name)
        triples += [ox.Triple(endpoint, sd("extensionFunction"), function),
                    ox.Triple(function, RDF_TYPE, sd("Function"))]
    for n, (name, count) in enumerate(sorted(graphs.items()), start=1):
        named = ox.NamedNode(f"{endpoint_url}#named-graph-{n}")
        graph = ox.NamedNode(f"{endpoint_url}#graph-{n}")
        for ds in (dataset_node, inferred_dataset):
            triples.append(ox.Triple(ds, sd("namedGraph"), named))
        triples += [ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), ox.NamedNode(name)),
                    ox.Triple(named, sd("graph"), graph),
                    ox.Triple(graph, RDF_TYPE, sd("Graph")),
                    ox.Triple(graph, void_triples, ox.Literal(str(count), datatype=XSD_INTEGER))]
    return ox.serialize(triples, format=fmt.oxigraph, prefixes={"sd": SD, "void": VOID,
                                                                "rdfs": PREFIXES["rdfs"], "geof": GEOF})
