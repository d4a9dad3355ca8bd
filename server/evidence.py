"""Downloads of a selection of claims: CSV, JSON-LD, and the evidence pack (one zip).

The pack holds everything needed to cite and check the claims without this server: the claims and
their Web Annotation evidence as JSON-LD, the same as CSV (one row per claim, one per quote with its
offsets), each source document's SHA-256, the SPARQL query that selects the claims, and a README
naming the dataset version. Its bytes depend only on the version and the selection (fixed zip dates).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pyoxigraph as ox
from rdflib import Graph

from alliance_kg.graph.publish import jsonld
from alliance_kg.server import describe, finding
from alliance_kg.server.app import site

CLAIM_COLUMNS = ("claim", "label", "subject", "subject_label", "relation", "relation_label", "object", "object_label",
                 "modality", "polarity", "time", "begin", "end", "document", "document_title")
EVIDENCE_COLUMNS = ("claim", "annotation", "document", "start", "end", "quote")


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)   # RFC 4180: quoted as needed, CRLF line ends
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def claims_csv(rows: list[finding.Row]) -> bytes:
    return _csv(CLAIM_COLUMNS, ([r.iri, r.label, r.subject, r.subject_label, r.relation, r.relation_label, r.object,
                                 r.object_label, r.modality, r.polarity, r.time or "", "" if r.begin is None else r.begin,
                                 "" if r.end is None else r.end, r.document, r.document_title] for r in rows))


def _values(rows: list[finding.Row]) -> str:
    return "VALUES ?claim { " + " ".join(f"<{r.iri}>" for r in rows) + " }"


def evidence_csv(rows: list[finding.Row]) -> bytes:
    lines = [(c.iri, e.annotation, e.document, e.start, e.end, e.quote) for c in finding.views(rows) for e in c.evidence]
    return _csv(EVIDENCE_COLUMNS, lines)


def documents_csv(rows: list[finding.Row]) -> bytes:
    documents = sorted({r.document for r in rows})
    found = site().engine.select(describe._prefixes() + "SELECT ?doc ?id ?title ?sha WHERE { VALUES ?doc { "
                                 + " ".join(f"<{d}>" for d in documents) + " } ?doc dcterms:identifier ?id ; "
                                 "dcterms:title ?title ; spdx:checksum/spdx:checksumValue ?sha } ORDER BY ?doc") \
        if documents else []
    return _csv(("document", "identifier", "title", "sha256"),
                ([r["doc"].value, r["id"].value, r["title"].value, r["sha"].value] for r in found))


def claims_jsonld(rows: list[finding.Row]) -> bytes:
    """The claims, their intervals and evidence, and their documents' titles and checksums (compacted)."""
    graph = Graph()
    if rows:
        triples = site().engine.construct(describe._prefixes() + f"""
          CONSTRUCT {{ ?s ?p ?o }} WHERE {{
            {_values(rows)}
            {{ GRAPH ?g {{ {describe.claim_parts("?claim")} ?s ?p ?o }} }}
            UNION {{ ?claim prov:wasDerivedFrom ?s . ?s ?p ?o FILTER(?p IN (dcterms:title, dcterms:identifier, spdx:checksum)) }}
            UNION {{ ?claim prov:wasDerivedFrom/spdx:checksum ?s . ?s ?p ?o }}
          }}""")
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    context = json.loads((site().dataset.directory / "context.jsonld").read_text(encoding="utf-8"))
    return jsonld(graph, context)


README = """Evidence pack — alliance-kg, dataset version {version}

{what}

Selected at: {url}
Dataset version: {version} (the manifest of the build that answered; a permalink to the same data
  names this version: every claim IRI below dereferences to the dataset's current description)

Files
  claims.jsonld    the {count} claims with their OWL-Time intervals and their evidence as W3C Web
                   Annotations (oa:TextQuoteSelector with the exact quote, oa:TextPositionSelector with
                   the offsets, in Unicode code points of the document as stored), plus each document's
                   title and SHA-256; JSON-LD 1.1 with its context inlined
  claims.csv       one row per claim (RFC 4180)
  evidence.csv     one row per quoted passage: claim, annotation, document, start, end, quote
  documents.csv    the source documents with their SHA-256: check a copy of a document against it
  query.rq         the SPARQL 1.1 query that selects these claims from the endpoint's default graph

To check a quote: take the document whose SHA-256 matches, and read the code points [start, end).
Licence of the data: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
"""


def pack(rows: list[finding.Row], query: str, what: str, url: str) -> bytes:
    version = site().dataset.version
    files = {
        "README.txt": README.format(version=version, what=what, url=url, count=len(rows)).encode("utf-8"),
        "claims.jsonld": claims_jsonld(rows),
        "claims.csv": claims_csv(rows),
        "evidence.csv": evidence_csv(rows),
        "documents.csv": documents_csv(rows),
        "query.rq": query.encode("utf-8"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"evidence-{version}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
