"""Measure the ingestion path leave-one-document-out: junk detection (`add`) and claim proposal
(`propose`) on the two seeds and the two development articles in ../shared/devset.

For the document under test, the proposer's gazetteer holds the generic lexicon (graph/ingest/
lexicon.py, written without looking at any document) and only the curated actors that the OTHER
seeds' claims use; it never sees the document's own curated actors or gold claims. Junk comes from
the layout rules, exactly as `add` would find it.

A proposal matches a curated (seeds) or gold (devset) claim when it names the same two actors
(either order; a name matches through labels, other names, capitals and demonyms) and its evidence
overlaps one of the claim's quotes. Recall counts the core claims (an explicit relation between two
named actors) that some proposal matches; precision counts the proposals that match any claim.

    .venv/bin/python bench/ingest.py [--devset ../shared/devset] [--json-only]

Prints a table per document and ends with one JSON line.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from alliance_kg.graph.clean import read_source
from alliance_kg.graph.corpus import REPOSITORY_CORPUS, REPOSITORY_ROOT, Corpus
from alliance_kg.graph.curation import JunkRange, load_actors, load_claims, load_documents
from alliance_kg.graph.ingest import junk as junk_rules
from alliance_kg.graph.ingest.gazetteer import Gazetteer
from alliance_kg.graph.ingest.lexicon import entries as lexicon_entries
from alliance_kg.graph.ingest.propose import AGENT_CLASSES, Document, propose, source_for

ROOT = REPOSITORY_ROOT

SHOW: set[str] = set()
INVERSES = {("proxyOf", "hasProxy"), ("memberOf", "hasMember")}
SYMMETRIC = {"alliedWith", "cooperatesWith", "tradesWith", "hostileTo", "atWarWith", "sharesIdentityWith"}


def norm(name: str) -> str:
    name = name.lower().replace("’", "'").replace("–", "-")
    name = re.sub(r"^the\s+", "", name)
    return re.sub(r"[^a-z0-9]+", " ", name.replace("'s", "")).strip()


def aliases() -> dict[str, set[str]]:
    """Each lexicon name → every name of the same state or body (so 'Tehran' matches 'Iran')."""
    out: dict[str, set[str]] = {}
    for e in lexicon_entries():
        names = {norm(n) for n in (e.label, e.id, *e.alt_labels, *e.capitals, *e.demonyms)}
        for n in names:
            out.setdefault(n, set()).update(names)
    return out


ALIASES = aliases()


def names_of(*names: str) -> set[str]:
    out = set()
    for n in names:
        k = norm(n)
        out.add(k)
        out.update(ALIASES.get(k, ()))
    return out


def spans_of(text: str, quotes: list[tuple[str, int | None]]) -> list[tuple[int, int]]:
    spans = []
    for quote, occurrence in quotes:
        at, found = -1, []
        while True:
            at = text.find(quote, at + 1)
            if at < 0:
                break
            found.append(at)
        if found:
            chosen = [found[(occurrence or 1) - 1]] if occurrence else found[:1]
            spans.extend((s, s + len(quote)) for s in chosen)
    return spans


def load_seed_docs(config: Corpus):
    documents = load_documents(config.documents_file)
    actors = load_actors(config.actors_file)
    by_id = {d.id: d for d in documents}
    docs = []
    for d in documents:
        source = read_source(d, config.documents_dir, config.documents_file)
        claims = load_claims(config.claims_dir / f"{d.id}.yaml", by_id, actors)
        gold = []
        for c in claims:
            s = actors[c.subject]
            o = actors.get(c.object) if isinstance(c.object, str) else None
            core = o is not None and s.cls in AGENT_CLASSES and o.cls in AGENT_CLASSES
            gold.append({"label": f"{c.subject} {c.relation} {c.object}",
                "subject": names_of(s.id, s.label, *s.alt_labels),
                "object": names_of(o.id, o.label, *o.alt_labels) if o else {norm(str(c.object))},
                "relation": c.relation.split(":")[-1], "core": core,
                "polarity": c.polarity, "modality": c.modality,
                "spans": spans_of(source.text, [(e.quote, e.occurrence) for e in c.evidence]),
                "actors": {c.subject, c.object if o else None}})
        junk_lines = {n for j in d.junk for n in range(j.first_line, j.last_line + 1)}
        docs.append({"name": d.id, "text": source.text, "gold": gold, "junk": junk_lines,
                     "actors_used": {c.subject for c in claims} | {c.object for c in claims if isinstance(c.object, str) and c.object in actors}})
    return docs, actors


def load_devset(folder: Path):
    docs = []
    for text_file in sorted(folder.glob("*.txt")):
        if text_file.stem.endswith("_junk"):
            continue
        gold_file = folder / f"{text_file.stem}_gold.jsonl"
        junk_file = folder / f"{text_file.stem}_junk.txt"
        text = text_file.read_text(encoding="utf-8")
        gold = []
        for line in gold_file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            g = json.loads(line)
            quotes = [(g["quote"], None)] + [(q, None) for q in g.get("alt_quotes", [])]
            gold.append({"label": f'{g["subject"]} {g["relation"]} {g["object"]}',
                         "subject": names_of(g["subject"]), "object": names_of(str(g["object"])),
                         "relation": g["relation"], "core": g["tier"] == "core",
                         "polarity": g["polarity"], "modality": g["modality"],
                         "spans": spans_of(text, quotes)})
        junk_lines = {int(row.split("\t")[1]) for row in junk_file.read_text(encoding="utf-8").splitlines() if row.strip()}
        docs.append({"name": text_file.stem, "text": text, "gold": gold, "junk": junk_lines, "actors_used": set()})
    return docs


def overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def same_relation(p: str, g: str) -> bool:
    return p == g or (p, g) in INVERSES or (g, p) in INVERSES


def evaluate(doc, proposals, actor_names) -> dict:
    text, gold = doc["text"], doc["gold"]
    matched_gold: set[int] = set()
    correct = relation_ok = stance_ok = 0
    for p in proposals:
        ev = p["evidence"][0]
        start = [m.start() for m in re.finditer(re.escape(ev["quote"]), text)][(ev.get("occurrence") or 1) - 1]
        span = (start, start + len(ev["quote"]))
        s, o = actor_names(p["subject"]), actor_names(str(p["object"]))
        hits = [i for i, g in enumerate(gold) if overlaps(span, g["spans"]) and
                ((s & g["subject"] and o & g["object"]) or (s & g["object"] and o & g["subject"]))]
        if SHOW and doc["name"] in SHOW:
            print("PROPOSED", "ok   " if hits else "WRONG", p["subject"], p["relation"], p["object"], "|", ev["quote"][:150], "|", p["cue"])
        if hits:
            correct += 1
            matched_gold.update(hits)
            if any(same_relation(p["relation"].split(":")[-1], gold[i]["relation"]) for i in hits):
                relation_ok += 1
            if any(p.get("polarity", "affirmed") == gold[i]["polarity"] and
                   p.get("modality", "asserted") == gold[i]["modality"] for i in hits):
                stance_ok += 1
    core = [i for i, g in enumerate(gold) if g["core"]]
    if SHOW and doc["name"] in SHOW:
        for i in core:
            if i not in matched_gold:
                g = gold[i]
                print("MISSED", g.get("label"), "|", " / ".join(text[a:b] for a, b in g["spans"][:2])[:200])
    return {"core": len(core), "core_found": len(matched_gold & set(core)), "gold": len(gold),
            "gold_found": len(matched_gold), "proposals": len(proposals), "correct": correct,
            "relation_agrees": relation_ok, "stance_agrees": stance_ok}


def junk_figures(doc) -> dict:
    text = doc["text"]
    lines = text.split("\n")
    found = {j.line for j in junk_rules.detect(text)}
    nonblank = {i + 1 for i, line in enumerate(lines) if line.strip()}
    gold = doc["junk"] & nonblank
    return {"junk_lines": len(gold), "junk_found": len(gold & found),
            "article_marked": len((found - gold) & nonblank)}


def run(devset: Path) -> dict:
    seeds, actors = load_seed_docs(Corpus.open(REPOSITORY_CORPUS))
    if not devset.is_dir():
        sys.exit(f"bench/ingest.py: development set not found at {devset} (expected ../shared/devset beside the repository)")
    docs = seeds + load_devset(devset)
    rows = []
    for doc in docs:
        # Leave one out: only the curated actors the other seeds' claims use, plus the generic lexicon.
        allowed = set().union(*(d["actors_used"] for d in seeds if d is not doc))
        gazetteer = Gazetteer.generic()
        gazetteer.add_curated(a for aid, a in actors.items() if aid in allowed)
        text = doc["text"]
        found = junk_rules.detect(text)
        ranges = [JunkRange(r.first, r.last, r.kind) for r in junk_rules.ranges(text, found)]
        source = source_for(doc["name"], text, ranges, Path(f"{doc['name']}.txt"))
        result = propose(Document(doc["name"], text, source.junk), gazetteer, source=source, curated=allowed)
        new = {a["id"]: a for a in result["actors"]}

        def actor_names(aid: str) -> set[str]:
            a = gazetteer.actors.get(aid)
            if a is not None:
                return names_of(aid, a.label, *a.alt_labels)
            if aid in new:
                return names_of(aid, new[aid]["label"], *new[aid].get("altLabels", []))
            return {norm(aid)}

        figures = evaluate(doc, result["claims"], actor_names)
        figures.update(junk_figures(doc))
        figures["document"] = doc["name"]
        figures["dropped_by_anchoring"] = len(result["dropped"])
        figures["relations"] = dict(Counter(c["relation"] for c in result["claims"]).most_common())
        rows.append(figures)
    total = {k: sum(r[k] for r in rows) for k in ("core", "core_found", "gold", "gold_found", "proposals",
                                                   "correct", "relation_agrees", "stance_agrees", "junk_lines", "junk_found",
                                                   "article_marked", "dropped_by_anchoring")}
    return {"documents": rows, "total": total}


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} %" if b else "   – "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--json-only", action="store_true")
    parser.add_argument("--show", action="append", default=[], help="list missed claims and proposals of a document")
    args = parser.parse_args()
    SHOW.update(args.show)
    report = run(args.devset)
    if not args.json_only:
        head = (f"{'document':28} {'core recall':>18} {'all recall':>18} {'precision':>18} {'rel. agrees':>12} "
                f"{'stance':>8} {'junk found':>11} {'article as junk':>15}")
        print(head)
        print("-" * len(head))
        for r in report["documents"] + [dict(report["total"], document="all")]:
            print(f"{r['document']:28} {r['core_found']:3}/{r['core']:3} {pct(r['core_found'], r['core']):>8}   "
                  f"{r['gold_found']:3}/{r['gold']:3} {pct(r['gold_found'], r['gold']):>8}   "
                  f"{r['correct']:3}/{r['proposals']:3} {pct(r['correct'], r['proposals']):>8}   "
                  f"{pct(r['relation_agrees'], r['correct']):>10}   {pct(r['stance_agrees'], r['correct']):>7} "
                  f"{r['junk_found']:3}/{r['junk_lines']:3}     {r['article_marked']:8}")
    t = report["total"]
    print(json.dumps({"core_recall": round(t["core_found"] / t["core"], 3),
                      "precision": round(t["correct"] / max(1, t["proposals"]), 3),
                      "relation_agrees": round(t["relation_agrees"] / max(1, t["correct"]), 3),
                      "stance_agrees": round(t["stance_agrees"] / max(1, t["correct"]), 3),
                      "junk_found": t["junk_found"], "junk_lines": t["junk_lines"],
                      "article_lines_marked": t["article_marked"],
                      "documents": {r["document"]: {k: r[k] for k in ("core", "core_found", "proposals", "correct",
                                                                      "junk_lines", "junk_found", "article_marked")}
                                    for r in report["documents"]}}))


if __name__ == "__main__":
    main()
