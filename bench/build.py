"""Build benchmark: parse, anchor, assemble, validate, reason and serialise, timed separately, on the
seeds and on a synthetic corpus N times larger (default 100×), in one run on one machine.

    .venv/bin/python bench/build.py [--scale 100]

The synthetic corpus keeps the seeds' shape (documents of ~66 claims, each quoting one sentence, a
fifth of them dated, some hedged, some support claims with kinds) but with distinct actors and facts
(36 per document, as in the seeds), so reasoning grows with the number of facts as it would
with real data.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import tempfile
import time
from pathlib import Path

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.corpus import Corpus  # noqa: E402
from alliance_kg.graph.pipeline import build  # noqa: E402

RELATIONS = ["alliedWith", "supports", "hasProxy", "opposes", "hostileTo", "cooperatesWith", "memberOf",
             "influences", "tradesWith", "condemns"]


def synthetic_corpus(root: Path, documents: int, claims_per_document: int = 66,
                     actors_per_document: int = 36) -> BuildConfig:
    # Actors grow with the corpus (the seeds: 73 actors for 2 documents). A fixed cast would make a
    # large corpus a near-complete graph of ties between the same few hundred actors, which no
    # real corpus is, and reasoning over it would measure that artefact rather than the build.
    actors = actors_per_document * documents
    rng = random.Random(20261123)
    seeds, data = root / "seeds", root / "data"
    (data / "claims").mkdir(parents=True)
    seeds.mkdir()
    actor_lines = ["actors:"]
    for a in range(actors):
        cls = "Coalition" if a % 50 == 0 else ("State" if a % 3 == 0 else "NonStateArmedGroup")
        actor_lines += [f"  - id: Actor_{a}", f"    class: {cls}", f"    label: Synthetic actor {a}",
                        f"    altLabels: [actor number {a}]"]
    (data / "actors.yaml").write_text("\n".join(actor_lines) + "\n", encoding="utf-8")
    doc_lines = ["documents:"]
    for d in range(documents):
        doc_id = f"synthetic_{d:04d}"
        sentences, claims = [], ["document: " + doc_id, "claims:"]
        for c in range(claims_per_document):
            s, o = rng.randrange(actors), rng.randrange(actors)
            while o == s:
                o = rng.randrange(actors)
            relation = RELATIONS[rng.randrange(len(RELATIONS))]
            if relation == "memberOf":
                o = (o // 50) * 50
                if o == s:
                    relation = "supports"
            hedged = c % 7 == 0
            sentence = (f"In document {d}, synthetic actor {s} is said to {'reportedly ' if hedged else ''}"
                        f"have the relation {relation} with synthetic actor {o} (statement {c}).")
            sentences.append(sentence)
            claims += [f"  - id: c{c}", f"    subject: Actor_{s}", f"    relation: {relation}",
                       f"    object: Actor_{o}"]
            if hedged:
                claims += ["    modality: hedged", "    hedge: reportedly"]
            if relation == "supports":
                claims.append("    support: [military, financial]")
            if c % 5 == 0:
                claims.append(f"    time: {{start: {1980 + c % 40}, text: since {1980 + c % 40}}}")
            claims += ["    evidence:", f"      - quote: {sentence!r}".replace("'", '"')]
        text = f"Synthetic document {d}\n" + "\n".join(sentences) + "\n- junk link one\n- junk link two\n"
        (seeds / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (data / "claims" / f"{doc_id}.yaml").write_text("\n".join(claims) + "\n", encoding="utf-8")
        lines = text.count("\n")
        doc_lines += [f"  - id: {doc_id}", f"    file: {doc_id}.txt",
                      f"    sha256: {hashlib.sha256(text.encode()).hexdigest()}",
                      f"    title: Synthetic document {d}", "    junk:",
                      f"      - {{lines: [{lines - 1}, {lines}], kind: link-list}}"]
    (data / "documents.yaml").write_text("\n".join(doc_lines) + "\n", encoding="utf-8")
    return BuildConfig.for_corpus(Corpus(root=data, documents_dir=seeds, build_dir=root / "build"))


def run(name: str, config: BuildConfig) -> dict:
    started = time.perf_counter()
    result = build(config)
    total = time.perf_counter() - started
    t = result.timings.seconds
    counts = result.manifest["counts"]
    return {"corpus": name, "claims": counts["claims"], "quads": counts["triples"], "inferred": counts["inferred"],
            "parse+clean+anchor": t.get("parse", 0) + t.get("clean", 0) + t.get("anchor", 0),
            "assemble": t.get("assemble", 0), "validate": t.get("validate", 0), "reason": t.get("reason", 0),
            "serialize": t.get("serialize", 0), "total": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100, help="synthetic corpus size, in multiples of the seeds")
    args = parser.parse_args()
    header_printed = False

    def report(row: dict) -> None:    # row by row: the large corpus takes minutes
        nonlocal header_printed
        if not header_printed:
            print("| " + " | ".join(row) + " |")
            print("|" + "---|" * len(row))
            header_printed = True
        print("| " + " | ".join(f"{v:.2f} s" if isinstance(v, float) else str(v) for v in row.values()) + " |",
              flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        report(run("seeds", BuildConfig.for_corpus(build_dir=Path(tmp) / "seeds-build")))
        report(run(f"synthetic ×{args.scale}", synthetic_corpus(Path(tmp) / "synthetic", 2 * args.scale)))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
