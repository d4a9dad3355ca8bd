"""What `alliance-kg add / propose / accept / reject` do, on a corpus (alliance_kg.graph.corpus).

The click commands in alliance_kg/cli.py parse arguments and print; the work is here, so that tests
and the review page call the same functions on any corpus.
"""
from __future__ import annotations

from pathlib import Path

from alliance_kg.graph.anchor import occurrences
from alliance_kg.graph.clean import read_source
from alliance_kg.graph.corpus import Corpus
from alliance_kg.graph.curation import ActorRecord, BuildError, ClaimRecord, Origin, load_actors, load_claims, load_documents
from alliance_kg.graph.ingest import review, yamlio
from alliance_kg.graph.ingest.add import Added, add_document
from alliance_kg.graph.ingest.gazetteer import Gazetteer
from alliance_kg.graph.ingest.propose import Document, proposal_yaml, propose
from alliance_kg.graph.link import CACHE_FILE, DEFAULT_API, ApiCache, LinkError, NewActorLink, WikidataApi, link_new_actors


def review_paths(corpus: Corpus) -> review.Paths:
    return review.Paths(corpus.root, corpus.proposed_dir)


def add(corpus: Corpus, path: Path, doc_id: str | None = None, title: str | None = None) -> Added:
    return add_document(path, corpus.documents_dir, corpus.documents_file, doc_id, title)


def _span(text: str, quote: str, occurrence: int | None) -> tuple[int, int] | None:
    found = occurrences(text, quote)
    index = (occurrence or 1) - 1
    return (found[index], found[index] + len(quote)) if 0 <= index < len(found) else None


def without_curated(result: dict, text: str, curated: list[ClaimRecord]) -> dict:
    """Drop proposals a curator already made: same subject, relation and object, overlapping quote."""
    known: dict[tuple, list] = {}
    for c in curated:
        spans = [s for s in (_span(text, e.quote, e.occurrence) for e in c.evidence) if s]
        known.setdefault((c.subject, c.relation, str(c.object)), []).extend(spans)
    kept = []
    for claim in result["claims"]:
        ev = claim["evidence"][0]
        span = _span(text, ev["quote"], ev.get("occurrence"))
        spans = known.get((claim["subject"], claim["relation"], str(claim["object"])), [])
        if span and any(span[0] < e and s < span[1] for s, e in spans):
            continue
        kept.append(claim)
    used = {c["subject"] for c in kept} | {str(c["object"]) for c in kept}
    return dict(result, claims=kept, actors=[a for a in result["actors"] if a["id"] in used])


def wikidata_for_new_actors(corpus: Corpus, result: dict, api_url: str | None = None, online: bool = False,
                            cache_file: Path | None = None) -> dict[str, NewActorLink]:
    """Wikidata candidates for the actors a proposal introduces, through `alliance-kg link`'s path.

    Offline (the default) they come from the link cache only; `online` asks the API (`api_url`, else
    Wikidata's). Each proposed actor gets a `wikidataCandidates` entry saying what was found or why
    nothing was: the proposal itself never fails for want of Wikidata."""
    records = [ActorRecord(a["id"], a["class"], a["label"], list(a.get("altLabels", [])), None, None, None,
                           Origin(corpus.actors_file, 1)) for a in result["actors"]]
    if not records:
        return {}
    try:
        cache = ApiCache(cache_file or corpus.proposed_dir / CACHE_FILE)
    except LinkError as e:
        found = {r.id: NewActorLink("error", f"{e}; not looked up") for r in records}
    else:
        api = WikidataApi(cache, api_url or DEFAULT_API, offline=not online)
        try:
            found = link_new_actors(records, corpus.proposed_dir, api)
        finally:
            api.close()
    for actor in result["actors"]:
        if actor["id"] in found:
            actor[review.WIKIDATA_CANDIDATES] = found[actor["id"]].as_yaml()
    return found


def run_propose(corpus: Corpus, doc_id: str, force: bool = False, wikidata_api: str | None = None,
                wikidata_online: bool = False, wikidata_cache: Path | None = None) -> tuple[Path, dict]:
    """Draft the claims of one document into proposed/<doc_id>.yaml (refusing to overwrite a review
    in progress unless forced). New actors carry Wikidata candidates (see wikidata_for_new_actors)."""
    documents = {d.id: d for d in load_documents(corpus.documents_file)}
    if doc_id not in documents:
        raise BuildError(f"{corpus.display(corpus.documents_file)}: no document {doc_id!r} (add it first with `alliance-kg add`)")
    target = corpus.proposed_dir / f"{doc_id}.yaml"
    if target.exists() and not force:
        raise BuildError(f"{corpus.display(target)} exists: review it (accept/reject) or pass --force to draft it again")
    source = read_source(documents[doc_id], corpus.documents_dir, corpus.documents_file)
    actors = load_actors(corpus.actors_file)
    gazetteer = Gazetteer.generic()
    gazetteer.add_curated(actors.values())
    result = propose(Document(doc_id, source.text, source.junk), gazetteer, source=source, curated=set(actors))
    claims_file = corpus.claims_dir / f"{doc_id}.yaml"
    if claims_file.exists():
        result = without_curated(result, source.text, load_claims(claims_file, documents, actors))
    corpus.proposed_dir.mkdir(parents=True, exist_ok=True)
    result["wikidata"] = wikidata_for_new_actors(corpus, result, wikidata_api, wikidata_online, wikidata_cache)
    yamlio.write_atomic(target, proposal_yaml(result))
    return target, result
