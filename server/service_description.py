"""The SPARQL 1.1 Service Description of this endpoint (W3C sparql11-service-description)."""
from __future__ import annotations

import pyoxigraph as ox

from alliance_kg.graph.formats import GRAPH_FORMATS, RESULT_FORMATS, Format
from alliance_kg.graph.vocabulary import PREFIXES

SD = PREFIXES["sd"]
VOID = PREFIXES["void"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_COMMENT = ox.NamedNode(PREFIXES["rdfs"] + "comment")
RDFS_SEE_ALSO = ox.NamedNode(PREFIXES["rdfs"] + "seeAlso")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
# W3C's IRIs for the formats (https://www.w3.org/ns/formats/), by our format names.


def sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


def service_description(endpoint_url: str, root_url: str, site, fmt: Format) -> bytes:
    endpoint = ox.NamedNode(endpoint_url)
    dataset_node = ox.NamedNode(endpoint_url + "#dataset")
    default_graph = ox.NamedNode(endpoint_url + "#default-graph")
    graphs = site.dataset.graphs
    layout = site.engine.layout
    triples = [
        ox.Triple(endpoint, RDF_TYPE, sd("Service")),
        ox.Triple(endpoint, sd("endpoint"), endpoint),
        ox.Triple(endpoint, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(endpoint, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(endpoint, RDFS_COMMENT, ox.Literal(
            "Read-only SPARQL 1.1 endpoint of alliance-kg. The default graph is the union of the asserted "
            "named graphs (ontology, actors, one graph per source document); the inferred graph is left out "
            "unless the request says inferred=true. default-graph-uri and named-graph-uri override FROM and "
            "FROM NAMED. Results are capped at %d rows (X-SPARQL-Truncated: true says so) and queries at %g s."
            % (site.config.max_rows, site.config.timeout), language="en")),
        ox.Triple(endpoint, RDFS_SEE_ALSO, ox.NamedNode(root_url + ".well-known/void")),
        ox.Triple(endpoint, sd("defaultDataset"), dataset_node),
        ox.Triple(dataset_node, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset_node, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"),
                  ox.Literal(str(sum(graphs[g] for g in layout.asserted)), datatype=XSD_INTEGER)),
    ]
    if site.config.service_allowlist:
        triples.append(ox.Triple(endpoint, sd("feature"), sd("BasicFederatedQuery")))
    for f in RESULT_FORMATS + GRAPH_FORMATS:
        triples.append(ox.Triple(endpoint, sd("resultFormat"),
                                 ox.NamedNode(f.iri)))
    for n, (name, count) in enumerate(sorted(graphs.items()), start=1):
        named = ox.NamedNode(f"{endpoint_url}#named-graph-{n}")
        graph = ox.NamedNode(f"{endpoint_url}#graph-{n}")
        triples += [ox.Triple(dataset_node, sd("namedGraph"), named),
                    ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), ox.NamedNode(name)),
                    ox.Triple(named, sd("graph"), graph),
                    ox.Triple(graph, RDF_TYPE, sd("Graph")),
                    ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(count), datatype=XSD_INTEGER))]
    return ox.serialize(triples, format=fmt.oxigraph, prefixes={"sd": SD, "void": VOID,
                                                                "rdfs": PREFIXES["rdfs"]})
