"""What `alliance-kg add / propose / accept / reject` do, on a corpus (alliance_kg.graph.corpus).

The click commands in alliance_kg/cli.py parse arguments and print; the work is here, so that tests
and the review page call the same functions on any corpus.
"""
from __future__ import annotations

from pathlib import Path

from alliance_kg.graph.clean import read_source
from alliance_kg.graph.corpus import Corpus
from alliance_kg.graph.curation import BuildError, load_actors, load_documents
from alliance_kg.graph.ingest import review, yamlio
from alliance_kg.graph.ingest.add import Added, add_document
from alliance_kg.graph.ingest.gazetteer import Gazetteer
from alliance_kg.graph.ingest.propose import Document, proposal_yaml, propose


def review_paths(corpus: Corpus) -> review.Paths:
    return review.Paths(corpus.root, corpus.proposed_dir)


def add(corpus: Corpus, path: Path, doc_id: str | None = None, title: str | None = None) -> Added:
    return add_document(path, corpus.documents_dir, corpus.documents_file, doc_id, title)


def run_propose(corpus: Corpus, doc_id: str, force: bool = False) -> tuple[Path, dict]:
    """Draft the claims of one document into proposed/<doc_id>.yaml (refusing to overwrite a review
    in progress unless forced)."""
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
    corpus.proposed_dir.mkdir(parents=True, exist_ok=True)
    yamlio.write_atomic(target, proposal_yaml(result))
    return target, result
