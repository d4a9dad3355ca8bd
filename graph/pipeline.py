"""The build: clean → anchor → assemble → validate → reason → publish, each stage timed."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Graph

from alliance_kg.graph.anchor import anchor_claim
from alliance_kg.graph.assemble import AssembledDataset, ClaimVocabulary, assemble, check_claim
from alliance_kg.graph.clean import SourceText, read_source
from alliance_kg.graph.config import DEFAULT_BASE, BuildConfig
from alliance_kg.graph.curation import BuildError, CurationError, ErrorLog, load_actors, load_claims, load_documents
from alliance_kg.graph.docs import write_ontology_html
from alliance_kg.graph.iris import Iris
from alliance_kg.graph.load import load_context, load_turtle, rebase
from alliance_kg.graph.publish import write_files
from alliance_kg.graph.reason import Inference, add_inferences, infer
from alliance_kg.graph.release import Publication, publish
from alliance_kg.graph.validate import ValidationFailed, ValidationOutcome, validate

__all__ = ["build", "check", "BuildError", "CurationError", "ValidationFailed", "BuildResult"]


@dataclass
class Timings:
    seconds: dict = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


@dataclass
class Checked:
    """Everything up to and including validation: what `validate` reports and `build` publishes."""

    iris: Iris
    ontology: Graph
    assembled: AssembledDataset
    outcome: ValidationOutcome
    timings: Timings


@dataclass
class BuildResult:
    publication: Publication
    outcome: ValidationOutcome
    inferences: list[Inference]
    timings: Timings

    @property
    def manifest(self) -> dict:
        return self.publication.manifest


def check(config: BuildConfig, timings: Timings | None = None) -> Checked:
    timings = timings or Timings()
    iris = Iris(config.base)
    # Every mistake of the curated files is collected (up to a cap) and reported together, each with
    # its file, line and field; the build goes on to the next stage only when there is none.
    errors = ErrorLog()
    with timings.stage("parse"):
        ontology = load_turtle(config.ontology_file, config.base)
        documents = {d.id: d for d in errors.attempt(load_documents, config.documents_file, errors, default=[])}
        actors = errors.attempt(load_actors, config.actors_file, errors, default={})
        errors.raise_if_any()    # claims are judged against the documents and actors: those come first
        claims = []
        for path in sorted(config.claims_dir.glob("*.yaml")):
            claims.extend(errors.attempt(load_claims, path, documents, actors, errors, default=[]))
    with timings.stage("clean"):
        sources: dict[str, SourceText] = {}
        for d in documents.values():
            source = errors.attempt(read_source, d, config.documents_dir, config.documents_file)
            if source is not None:
                sources[d.id] = source
    with timings.stage("anchor"):
        anchors = {}
        for c in claims:
            if c.document in sources:
                anchors[iris.claim(c.document, c.id)] = errors.attempt(anchor_claim, sources[c.document], c, errors)
        vocabulary = ClaimVocabulary.from_ontology(ontology, iris)
        for c in claims:
            errors.attempt(check_claim, c, vocabulary, iris, actors)
        errors.raise_if_any()
    with timings.stage("assemble"):
        assembled = assemble(iris, ontology, actors, sources, claims, anchors)
    with timings.stage("validate"):
        shapes = load_turtle(config.shapes_file, config.base)
        data = Graph()
        for quad in assembled.dataset.quads((None, None, None, None)):
            data.add(quad[:3])
        outcome = validate(data, shapes, assembled.origins)
    return Checked(iris, ontology, assembled, outcome, timings)


def build(config: BuildConfig | None = None) -> BuildResult:
    config = config or BuildConfig()
    timings = Timings()
    checked = check(config, timings)
    if not checked.outcome.conforms:
        raise ValidationFailed(checked.outcome)
    iris, assembled = checked.iris, checked.assembled
    with timings.stage("reason"):
        actors_graph = assembled.dataset.graph(iris.actors_graph)
        inferences = infer(checked.ontology, actors_graph, assembled.direct_triples, iris)
        add_inferences(assembled.dataset.graph(iris.inferred_graph), inferences, iris)
    shapes_text = rebase(config.shapes_file.read_text(encoding="utf-8"), config.base)
    context = load_context(config.context_file, config.base)
    # The hand-written ontology names the default base; under another base, document the published,
    # rebased ontology.ttl (written before the extra writers run) instead.
    documented = config.ontology_file if config.base == DEFAULT_BASE else None
    extra = [lambda out: write_ontology_html(documented or out / "ontology.ttl", out / "ontology.html")]
    with timings.stage("serialize"):
        publication = publish(config.build_dir, lambda out: write_files(
            out, iris, assembled.dataset, checked.ontology, shapes_text, context, checked.outcome.report,
            checked.outcome.text(), assembled.counts, config.queries_dir, extra))
    return BuildResult(publication, checked.outcome, inferences, timings)
