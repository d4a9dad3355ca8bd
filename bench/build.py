"""Build benchmark: parse, anchor, assemble, validate, reason and serialise, timed separately, on the
seeds and on a synthetic corpus N times larger (default 100×), in one run on one machine.

    .venv/bin/python bench/build.py [--scale 100] [--no-seeds]

After the full build of the synthetic corpus (2·N documents), it rebuilds incrementally twice: after a
note is added to one claim of one document, and after one more document is added. The last line is
one JSON object with every figure (seconds per stage, wall and CPU; peak RSS of the process, which is
the full synthetic build's), for scripts.

The synthetic corpus keeps the seeds' shape (documents of ~66 claims, each quoting one sentence, a
fifth of them dated, some hedged, some support claims with kinds) but with distinct actors and facts
(36 per document, as in the seeds), so reasoning grows with the number of facts as it would
with real data.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
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


def run(name: str, config: BuildConfig, full: bool = True) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    result = build(config, full=full)
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    counts = result.manifest["counts"]
    row = {"corpus": name, "claims": counts["claims"], "quads": counts["triples"], "inferred": counts["inferred"]}
    # Wall clock, then CPU seconds of this process: on a machine shared with other jobs the wall clock
    # stretches with the load, the CPU time much less.
    for suffix, t, whole in (("", result.timings.seconds, total), (" cpu", result.timings.cpu, total_cpu)):
        row.update({"parse+clean+anchor" + suffix: t.get("parse", 0) + t.get("clean", 0) + t.get("anchor", 0),
                    "assemble" + suffix: t.get("assemble", 0), "validate" + suffix: t.get("validate", 0),
                    "reason" + suffix: t.get("reason", 0), "serialize" + suffix: t.get("serialize", 0) + t.get("cache", 0),
                    "total" + suffix: whole})
    row["reused documents"] = len(result.reused)
    return row


def change_one_document(config: BuildConfig) -> None:
    """What a curator does between two builds: add a note to one claim of one document."""
    path = sorted(config.claims_dir.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: c1\n", "  - id: c1\n    note: Revised by the curator.\n", 1), encoding="utf-8")


def hold_out_last_document(config: BuildConfig):
    """Take the last document out of the corpus (its entry in documents.yaml, its claims file); returns
    what puts it back: a curator adding a document between two builds."""
    listed = config.documents_file.read_text(encoding="utf-8")
    claims = sorted(config.claims_dir.glob("*.yaml"))[-1]
    claims_text = claims.read_text(encoding="utf-8")
    config.documents_file.write_text(listed[:listed.rindex("  - id: ")], encoding="utf-8")
    claims.unlink()

    def add_back() -> None:
        claims.write_text(claims_text, encoding="utf-8")
        config.documents_file.write_text(listed, encoding="utf-8")
    return add_back


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024     # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100, help="synthetic corpus size, in multiples of the seeds")
    parser.add_argument("--no-seeds", action="store_true", help="only the synthetic corpus")
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

    figures: dict = {"scale": args.scale}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_seeds:
            figures["seeds"] = run("seeds", BuildConfig.for_corpus(build_dir=Path(tmp) / "seeds-build"))
            report(figures["seeds"])
        config = synthetic_corpus(Path(tmp) / "synthetic", 2 * args.scale + 1)
        add_back = hold_out_last_document(config)
        figures["full"] = run(f"synthetic ×{args.scale}", config)
        figures["peak_rss_mb"] = round(peak_rss_mb())   # the largest build is the synthetic full one
        report(figures["full"])
        change_one_document(config)
        figures["incremental"] = run(f"synthetic ×{args.scale}, one document changed", config, full=False)
        report(figures["incremental"])
        add_back()
        figures["incremental_added"] = run(f"synthetic ×{args.scale}, one document added", config, full=False)
        report(figures["incremental_added"])
        shutil.rmtree(tmp, ignore_errors=True)
    # The last line is for scripts: every figure above, as JSON.
    print(json.dumps({k: {n: round(v, 2) if isinstance(v, float) else v for n, v in f.items()} if isinstance(f, dict) else f
                      for k, f in figures.items()}))


if __name__ == "__main__":
    main()
