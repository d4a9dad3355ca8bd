"""SPARQLWrapper 2.0.0, the most used Python client, against the endpoint under waitress.

SPARQLWrapper sends its return format twice: in Accept, and as `format=`, `output=` and `results=`
URL parameters with short names (`json`, `xml`, `turtle`, `n3`, `rdf`, `rdf+xml`, `csv`, `tsv`,
`json-ld`; for tsv, rdf+xml and json-ld also the media type as a second value). Whatever it asks,
for every query form, the answer must be one its convert() parses, holding the right answer.
"""
from __future__ import annotations

import io
import warnings
from xml.dom.minidom import Document

import pytest
import rdflib
from rdflib.query import Result
from SPARQLWrapper import ASK, CONSTRUCT, CSV, DESCRIBE, JSON, JSONLD, N3, RDF, RDFXML, SELECT, TSV, TURTLE, XML, SPARQLWrapper

from tests.helpers import AK, ID
from tests.test_sparql_safety import serving

NETWORKS = {ID + "Axis_of_Resistance", ID + "CRINK"}
RDF_TYPE = rdflib.RDF.type
NETWORK = rdflib.URIRef(AK + "InformalNetwork")
QUERIES = {
    SELECT: f"SELECT ?s WHERE {{ ?s a <{AK}InformalNetwork> }}",
    ASK: f"ASK {{ <{ID}Iran> <{AK}hasProxy> <{ID}Hezbollah> }}",
    CONSTRUCT: f"CONSTRUCT {{ ?s a <{AK}InformalNetwork> }} WHERE {{ ?s a <{AK}InformalNetwork> }}",
    DESCRIBE: f"DESCRIBE <{ID}CRINK>",
}
RETURN_FORMATS = (JSON, XML, CSV, TSV, TURTLE, N3, RDF, RDFXML, JSONLD)


@pytest.fixture(scope="module")
def endpoint(app):
    with serving(app) as base:
        yield base + "/sparql"


def answer(converted, content_type: str):
    """What the converted result says, whatever SPARQLWrapper turned it into."""
    media_type = content_type.split(";")[0].strip()
    if isinstance(converted, dict):                      # SPARQL JSON results
        if "boolean" in converted:
            return converted["boolean"]
        return {b["s"]["value"] for b in converted["results"]["bindings"]}
    if isinstance(converted, Document):                  # SPARQL XML results
        result = Result.parse(io.BytesIO(converted.toxml("utf-8")), format="xml")
        return result.askAnswer if result.type == "ASK" else {str(r[0]) for r in result}
    if isinstance(converted, rdflib.Graph):              # RDF/XML, JSON-LD
        return set(converted)
    assert isinstance(converted, bytes), (type(converted), media_type)
    if media_type in ("text/csv", "text/tab-separated-values"):
        if converted.strip() in (b"true", b"false"):      # a boolean in CSV/TSV, as Jena and Oxigraph write it
            return converted.strip() == b"true"
        result = Result.parse(io.BytesIO(converted), format="csv" if media_type == "text/csv" else "tsv")
        return {str(r[0]) for r in result}
    return set(rdflib.Graph().parse(data=converted, format="turtle"))   # Turtle, N-Triples (N3 in SPARQLWrapper)


@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("return_format", RETURN_FORMATS)
def test_sparqlwrapper_matrix(endpoint, form, return_format):
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # its "format requested was X, got Y" notices
        # SPARQLWrapper 2.0.0's convert() builds an rdflib ConjunctiveGraph (deprecated in rdflib 7): its code, not ours
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        result = client.query()                            # raises on any 4xx/5xx
        converted = result.convert()
    got = answer(converted, result.info()["content-type"])
    if form == SELECT:
        assert got == NETWORKS
    elif form == ASK:
        assert got is True
    elif form == CONSTRUCT:
        assert got == {(rdflib.URIRef(s), RDF_TYPE, NETWORK) for s in NETWORKS}
    else:
        assert (rdflib.URIRef(ID + "CRINK"), RDF_TYPE, NETWORK) in got


@pytest.mark.parametrize("return_format", (JSON, XML, TURTLE, JSONLD))
def test_sparqlwrapper_post(endpoint, return_format):
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery(QUERIES[CONSTRUCT] if return_format in (TURTLE, JSONLD) else QUERIES[SELECT])
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        result = client.query()
        assert answer(result.convert(), result.info()["content-type"])
