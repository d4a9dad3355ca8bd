"""The ingestion commands: `add`, `propose`, `accept`, `reject` (registered on the main CLI).

Paths come from a `Where` (the corpus's documents folder, its data folder and its proposed/
folder), so the same commands work on the project's corpus and on a scratch corpus in a test.
Exit codes follow the main CLI: 0 ok, 1 refused or invalid data, 2 usage.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ..clean import read_source
from ..curation import BuildError, load_actors, load_documents
from . import review
from .add import AddError, add_document
from .gazetteer import Gazetteer
from .propose import Document, propose, proposal_yaml
from . import yamlio


@dataclass(frozen=True)
class Where:
    documents_dir: Path      # the source documents (seeds/)
    data_dir: Path           # documents.yaml, actors.yaml, claims/

    @property
    def documents_file(self) -> Path:
        return self.data_dir / "documents.yaml"

    @property
    def actors_file(self) -> Path:
        return self.data_dir / "actors.yaml"

    @property
    def proposed_dir(self) -> Path:
        return self.data_dir / "proposed"

    def review_paths(self) -> review.Paths:
        return review.Paths(self.data_dir, self.proposed_dir)


def default_where() -> Where:
    from ..config import BuildConfig
    config = BuildConfig()
    return Where(config.seeds_dir, config.data_dir)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def run_propose(where: Where, doc_id: str, force: bool = False) -> tuple[Path, dict]:
    documents = {d.id: d for d in load_documents(where.documents_file)}
    if doc_id not in documents:
        raise BuildError(f"{where.documents_file}: no document {doc_id!r} (add it first with `alliance-kg add`)")
    target = where.proposed_dir / f"{doc_id}.yaml"
    if target.exists() and not force:
        raise BuildError(f"{target} exists: review it (accept/reject) or pass --force to draft it again")
    source = read_source(documents[doc_id], where.documents_dir, where.documents_file)
    actors = load_actors(where.actors_file)
    gazetteer = Gazetteer.generic()
    gazetteer.add_curated(actors.values())
    result = propose(Document(doc_id, source.text, source.junk), gazetteer, source=source, curated=set(actors))
    where.proposed_dir.mkdir(parents=True, exist_ok=True)
    yamlio.write_atomic(target, proposal_yaml(result))
    return target, result


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "doc_id", default=None, help="Document id (default: next NNN_ + 16 hex digits of its SHA-256).")
@click.option("--title", default=None, help="Title (default: the document's first line).")
def add(path, doc_id, title):
    """Register the document at PATH: copy it byte for byte into the corpus, record its SHA-256,
    title and junk line ranges in documents.yaml. The last line printed is the new document id."""
    where = default_where()
    try:
        added = add_document(path, where.documents_dir, where.documents_file, doc_id, title)
    except AddError as e:
        _fail(str(e))
    click.echo(f"copied to {added.file} (SHA-256 {added.sha256})")
    click.echo(f"title: {added.title}")
    for r in added.junk:
        click.echo(f"junk: lines {r.first}-{r.last} {r.kind}")
    if not added.junk:
        click.echo("junk: none found")
    click.echo(added.id)


@click.command("propose")
@click.argument("doc_id")
@click.option("--force", is_flag=True, help="Replace an existing proposal file.")
def propose_cmd(doc_id, force):
    """Draft the claims of document DOC_ID into proposed/DOC_ID.yaml for review (never published)."""
    where = default_where()
    try:
        target, result = run_propose(where, doc_id, force)
    except BuildError as e:
        _fail(str(e))
    click.echo(f"{len(result['claims'])} proposed claims and {len(result['actors'])} new actors in {target}")
    if result["dropped"]:
        click.echo(f"{len(result['dropped'])} proposals dropped by the anchoring check", err=True)


def _decide(action, doc_id, claim_ids, take_all, verb):
    where = default_where()
    try:
        outcome = action(where.review_paths(), doc_id, list(claim_ids) or None, take_all)
    except review.ReviewError as e:
        _fail(str(e))
    names = outcome.accepted or outcome.rejected
    click.echo(f"{verb} {len(names)} claim(s): {', '.join(names)}")
    if outcome.actors_added:
        click.echo(f"added actors: {', '.join(outcome.actors_added)}")
    click.echo(f"{outcome.remaining} proposal(s) left for {doc_id}")


@click.command()
@click.argument("doc_id")
@click.option("--claim", "claim_ids", multiple=True, help="A proposed claim id (repeatable).")
@click.option("--all", "take_all", is_flag=True, help="Every proposed claim of the document.")
def accept(doc_id, claim_ids, take_all):
    """Move proposed claims of DOC_ID (and the actors they need) into the curated files."""
    _decide(review.accept, doc_id, claim_ids, take_all, "accepted")


@click.command()
@click.argument("doc_id")
@click.option("--claim", "claim_ids", multiple=True, help="A proposed claim id (repeatable).")
@click.option("--all", "take_all", is_flag=True, help="Every proposed claim of the document.")
def reject(doc_id, claim_ids, take_all):
    """Drop proposed claims of DOC_ID."""
    _decide(review.reject, doc_id, claim_ids, take_all, "rejected")


COMMANDS = (add, propose_cmd, accept, reject)
