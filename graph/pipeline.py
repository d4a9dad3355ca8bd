"""The build: clean → anchor → assemble → validate → reason → publish, each stage timed."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Graph

from alliance_kg.graph.anchor import anchor_claim
from alliance_kg.graph.assemble import AssembledDataset, assemble
from alliance_kg.graph.clean import SourceText, read_source
from alliance_kg.graph.config import DEFAULT_BASE, BuildConfig
from alliance_kg.graph.curation import BuildError, CurationError, load_actors, load_claims, load_documents
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
    with timings.stage("parse"):
        ontology = load_turtle(config.ontology_file, config.base)
        documents = {d.id: d for d in load_documents(config.documents_file)}
        actors = load_actors(config.actors_file)
        claims = []
        for path in sorted(config.claims_dir.glob("*.yaml")):
            claims.extend(load_claims(path, documents, actors))
    with timings.stage("clean"):
        sources: dict[str, SourceText] = {d.id: read_source(d, config.documents_dir, config.documents_file)
                                          for d in documents.values()}
    with timings.stage("anchor"):
        anchors = {iris.claim(c.document, c.id): anchor_claim(sources[c.document], c) for c in claims}
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
