"""Find benchmark: server time of autocomplete, search, facet, pair and entity pages (issue 13), on the
seeds and on synthetic corpora N times larger (bench/build.py's generator), one run on one machine.

    .venv/bin/python bench/find.py [--scale 10] [--scale 100] [--repeat 30] [--keep DIR]

Each request goes through the whole Flask application in process (the test client: routing, the
search index or the engine, templates), not through a socket, so the figures are the server's own
time. Every URL is asked once cold (first use of its dataset version: the search index opened, the
claims read once) and then `--repeat` times warm; the table gives the cold time, the warm median and
the warm 95th percentile. Autocomplete is timed keystroke by keystroke, as the search box asks.

Beside them, the peer: the same answers asked of the same version's query store in SPARQL, as a
publisher without the search index would (Oxigraph, in process: no Flask, no template), suggestions
by a case-insensitive word-start REGEX over labels, a facet state's counts by one GROUP BY per facet.
The last line is the figures as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alliance_kg.graph import release  # noqa: E402
from alliance_kg.graph.config import BuildConfig  # noqa: E402
from alliance_kg.graph.pipeline import build  # noqa: E402
from build import synthetic_corpus  # noqa: E402


def keystrokes(text: str) -> list[str]:
    return [text[:i] for i in range(1, len(text) + 1)]


def urls_for(corpus: str) -> dict[str, list[str]]:
    if corpus == "seeds":
        typed, pair, actor, document = "Hezbollah", "/pair/Iran/Iraq", "Iran", "000_233c5097a7797f3f"
    else:
        typed, pair, actor, document = "synthetic actor 12", "/pair/Actor_1/Actor_2", "Actor_1", "synthetic_0000"
    return {
        "autocomplete (per keystroke)": [f"/api/autocomplete?q={q.replace(' ', '+')}" for q in keystrokes(typed)],
        "search page": ["/search?q=allied", "/search?q=%22relation+supports%22", "/search?q=actor+said"],
        "facet page /claims": ["/claims", "/claims?tie=hostile", "/claims?tie=cooperative&modality=hedged&page=2",
                               f"/claims?subject={actor}", "/claims?from=1990&to=2000&undated=1&page=3"],
        "facet JSON /api/claims": ["/api/claims?tie=hostile&polarity=affirmed"],
        "pair page": [pair],
        # an entity page lists a page of its claims (read per claim graph), its counts from the facet table
        "entity page": [f"/id/{actor}.html", f"/id/{actor}.html?out=2#outgoing"],
        # the overview picture (at most overview_max_actors actors) and the year control
        "home page": ["/", "/?year=1995"],
        # linked data around them: an entity's and a document's RDF, a named graph's page, the sitemap
        "RDF documents": [f"/id/{actor}.ttl", f"/document/{document}.ttl"],
        "graph page, sitemap": ["/graph/inferred.html", "/sitemap.xml"],
    }


PEER_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX ak: <https://w3id.org/alliance-kg/ontology#>
"""


def peer_queries(corpus: str) -> dict[str, list[str]]:
    """The peer's SPARQL for what the search index and the facet table answer."""
    typed = "Hezbollah" if corpus == "seeds" else "synthetic actor 12"
    suggest = r"""SELECT DISTINCT ?iri ?label WHERE { ?iri rdfs:label|skos:altLabel ?name ; rdfs:label ?label .
                 FILTER(REGEX(STR(?name), "(^|\\W)%s", "i")) } LIMIT 8"""
    claim = ("?claim a ak:Claim ; rdf:subject ?subject ; rdf:predicate ?relation ; rdf:object ?object ; "
             "ak:modality ?modality ; ak:polarity ?polarity ; prov:wasDerivedFrom ?document .")
    facets = ["subject", "relation", "object", "modality", "polarity", "document"]
    return {
        "autocomplete by SPARQL (peer)": [suggest % q.replace(" ", "\\\\s+") for q in keystrokes(typed)],
        # the landing page of the claims browser: every facet's counts over every claim
        "facet counts by SPARQL (peer)": [f"SELECT ?v (COUNT(?claim) AS ?n) WHERE {{ {claim} BIND(?{f} AS ?v) }} GROUP BY ?v"
                                          for f in facets],
    }


def measure(build_dir: Path, corpus: str, repeat: int) -> list[dict]:
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    app = create_app(ServerConfig(build_dir=build_dir))
    client = app.test_client()
    rows = []
    try:
        groups = urls_for(corpus)
        # "why inferred?" of the actor's first inferred fact (its hash is known only once built)
        entity = client.get(groups["entity page"][0]).get_data(as_text=True)
        groups["why page"] = re.findall(r'href="(/why/[0-9a-f]{16})"', entity)[:1]
        for name, urls in groups.items():
            cold, warm = [], []
            for url in urls:
                started = time.perf_counter()
                response = client.get(url)
                cold.append(time.perf_counter() - started)
                if response.status_code not in (200, 404):   # a synthetic pair may have no claim: 404 is an answer
                    raise SystemExit(f"{url}: {response.status_code} {response.data[:300]!r}")
            for _ in range(repeat):
                for url in urls:
                    started = time.perf_counter()
                    client.get(url)
                    warm.append(time.perf_counter() - started)
            rows.append(_row(corpus, name, urls, cold, warm))
        # The peer, on the same store: a keystroke's query timed alone; a facet page's six timed together.
        engine = app.extensions["alliance_kg"].snapshot().engine
        for name, queries in peer_queries(corpus).items():
            together = name.startswith("facet")
            cold = _timed(engine, queries, together)
            warm = [t for _ in range(repeat) for t in _timed(engine, queries, together)]
            rows.append(_row(corpus, name, ["(one page's queries)"] if together else queries, cold, warm))
    finally:
        app.extensions["alliance_kg"].close()
    return rows


def _timed(engine, queries: list[str], together: bool) -> list[float]:
    """Seconds per query, or for all of them as one when `together`."""
    times = []
    for query in queries:
        started = time.perf_counter()
        assert engine.select(PEER_PREFIXES + query) is not None
        times.append(time.perf_counter() - started)
    return [sum(times)] if together else times


def _row(corpus: str, name: str, urls: list[str], cold: list[float], warm: list[float]) -> dict:
    warm = sorted(warm)
    return {"corpus": corpus, "what": name, "urls": len(urls), "cold max": max(cold) * 1000,
            "slowest cold": urls[cold.index(max(cold))] if len(cold) == len(urls) else urls[0],
            "warm median": statistics.median(warm) * 1000, "warm p95": warm[int(0.95 * (len(warm) - 1))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", help="synthetic corpus size(s), in multiples of the seeds")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the corpora in this folder and keep them; an existing build there is reused")
    args = parser.parse_args()
    print("| corpus | claims | what | URLs | cold (max) | warm median | warm p95 |")
    print("|---|---|---|---|---|---|---|")
    figures: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        corpora = [("seeds", BuildConfig.for_corpus(build_dir=root / "seeds-build"))]
        corpora += [(f"synthetic ×{n}", synthetic_corpus(root / f"synthetic-{n}", 2 * n))
                    if release.current(root / f"synthetic-{n}" / "build") is None
                    else (f"synthetic ×{n}", None) for n in args.scale or []]
        for name, config in corpora:
            if config is None:    # kept from an earlier run
                build_dir = root / f"synthetic-{name.rsplit('×', 1)[1]}" / "build"
            else:
                build(config)
                build_dir = config.build_dir
            claims = json.loads((release.current(build_dir) / "manifest.json").read_text())["counts"]["claims"]
            # The machine's load, beside each corpus's rows: figures taken on a shared machine say so.
            print(f"<!-- {name}: load average {os.getloadavg()[0]:.1f} before measuring -->", flush=True)
            for row in measure(build_dir, name, args.repeat):
                figures.append({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items() if k != "slowest cold"})
                print(f"| {row['corpus']} | {claims} | {row['what']} | {row['urls']} | {row['cold max']:.1f} ms | "
                      f"{row['warm median']:.1f} ms | {row['warm p95']:.1f} ms |", flush=True)
                if row["urls"] > 1 and row["slowest cold"].startswith("/"):
                    print(f"<!-- slowest cold: {row['slowest cold']} -->", flush=True)

    print(json.dumps({"bench": "find", "rows": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
