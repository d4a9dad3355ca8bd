"""Find benchmark: server time of autocomplete, search, facet, pair and entity pages (issue 13), on the
seeds and on synthetic corpora N times larger (bench/build.py's generator), one run on one machine.

    .venv/bin/python bench/find.py [--scale 10] [--scale 100] [--repeat 30]

Each request goes through the whole Flask application in process (the test client: routing, the
search index or the engine, templates), not through a socket, so the figures are the server's own
time. Every URL is asked once cold (first use of its dataset version: the search index opened, the
claims read once) and then `--repeat` times warm; the table gives the cold time, the warm median and
the warm 95th percentile. Autocomplete is timed keystroke by keystroke, as the search box asks.
"""
from __future__ import annotations

import argparse
import json
import os
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
        typed, pair, actor = "Hezbollah", "/pair/Iran/Iraq", "Iran"
    else:
        typed, pair, actor = "synthetic actor 12", "/pair/Actor_1/Actor_2", "Actor_1"
    return {
        "autocomplete (per keystroke)": [f"/api/autocomplete?q={q.replace(' ', '+')}" for q in keystrokes(typed)],
        "search page": ["/search?q=allied", "/search?q=%22relation+supports%22", "/search?q=actor+said"],
        "facet page /claims": ["/claims", "/claims?tie=hostile", "/claims?tie=cooperative&modality=hedged&page=2",
                               f"/claims?subject={actor}", "/claims?from=1990&to=2000&undated=1&page=3"],
        "facet JSON /api/claims": ["/api/claims?tie=hostile&polarity=affirmed"],
        "pair page": [pair],
        # an entity page lists a page of its claims (read per claim graph), its counts from the facet table
        "entity page": [f"/id/{actor}.html", f"/id/{actor}.html?out=2#outgoing"],
    }


def measure(build_dir: Path, corpus: str, repeat: int) -> list[dict]:
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    app = create_app(ServerConfig(build_dir=build_dir))
    client = app.test_client()
    rows = []
    try:
        for name, urls in urls_for(corpus).items():
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
            warm.sort()
            rows.append({"corpus": corpus, "what": name, "urls": len(urls), "cold max": max(cold) * 1000,
                         "slowest cold": urls[cold.index(max(cold))],
                         "warm median": statistics.median(warm) * 1000,
                         "warm p95": warm[int(0.95 * (len(warm) - 1))] * 1000})
    finally:
        app.extensions["alliance_kg"].close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", help="synthetic corpus size(s), in multiples of the seeds")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the corpora in this folder and keep them; an existing build there is reused")
    args = parser.parse_args()
    print("| corpus | claims | what | URLs | cold (max) | warm median | warm p95 |")
    print("|---|---|---|---|---|---|---|")
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
                print(f"| {row['corpus']} | {claims} | {row['what']} | {row['urls']} | {row['cold max']:.1f} ms | "
                      f"{row['warm median']:.1f} ms | {row['warm p95']:.1f} ms |", flush=True)
                if row["urls"] > 1:
                    print(f"<!-- slowest cold: {row['slowest cold']} -->", flush=True)


if __name__ == "__main__":
    main()
