"""The build: clean → anchor → assemble → validate → reason → publish, each stage timed.

Documents are assembled, validated (with the shapes local to a document) and serialised in batches,
each batch's graphs dropped once serialised, so memory grows with what the build keeps of a document,
not with its graph; a document whose inputs are unchanged since the last build is taken whole from
the per-document cache (graph/cache.py). What spans documents (the actors, the spanning shapes, the
inferred graph, VoID, the search index) is recomputed every build from the parts.
"""
from __future__ import annotations

import hashlib
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Graph

from alliance_kg.graph.anchor import anchor_claim
from alliance_kg.graph.assemble import (
    AssembledDataset,
    ClaimVocabulary,
    DocumentPart,
    actors_graph,
    add_origins,
    assemble_document,
    by_document,
    check_claim,
)
from alliance_kg.graph.cache import DocumentCache
from alliance_kg.graph.clean import SourceText, read_source
from alliance_kg.graph.config import DEFAULT_BASE, BuildConfig
from alliance_kg.graph.curation import BuildError, CurationError, ErrorLog, load_actors, load_claims, load_documents
from alliance_kg.graph.docs import write_ontology_html
from alliance_kg.graph.iris import Iris
from alliance_kg.graph.load import load_context, load_turtle, rebase
from alliance_kg.graph.publish import document_fragments, ox_terms, write_files
from alliance_kg.graph.reason import Inference, closure, infer, inference_triples
from alliance_kg.graph.release import Publication, publish
from alliance_kg.graph.validate import (
    ValidationFailed,
    ValidationOutcome,
    base_graph,
    index_of,
    merge_reports,
    outcome_of,
    shape_split,
    validate_documents,
    validate_spanning,
)

__all__ = ["build", "check", "BuildError", "CurationError", "ValidationFailed", "BuildResult"]

# Documents assembled and validated together: pyshacl's fixed cost per run is paid once per batch, and
# only one batch of rdflib graphs is alive at a time.
BATCH = 25


@dataclass
class Timings:
    seconds: dict = field(default_factory=dict)
    cpu: dict = field(default_factory=dict)     # process CPU seconds: what bench/ compares on a shared machine

    @contextmanager
    def stage(self, name: str):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


@dataclass
class Checked:
    """Everything up to and including validation: what `validate` reports and `build` publishes."""

    iris: Iris
    ontology: Graph
    assembled: AssembledDataset
    outcome: ValidationOutcome
    timings: Timings
    reused: set[str] = field(default_factory=set)   # documents taken from the cache
    cache: DocumentCache | None = None


@dataclass
class BuildResult:
    publication: Publication
    outcome: ValidationOutcome
    inferences: list[Inference]
    timings: Timings
    reused: set[str] = field(default_factory=set)

    @property
    def manifest(self) -> dict:
        return self.publication.manifest


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _memoised(cache: DocumentCache, errors: ErrorLog, key, function, *args, default=None):
    """errors.attempt(function, *args), taken from the cache when its inputs (`key`, and the cache's
    common key: actors, ontology, code) are unchanged; a result that logged errors is never kept."""
    value = cache.get(key)
    if value is None:
        logged = len(errors.errors) + errors.more
        value = errors.attempt(function, *args, default=default)
        if len(errors.errors) + errors.more == logged:
            cache.put(key, value)
    return value


def check(config: BuildConfig, timings: Timings | None = None, full: bool = True, finish=None) -> Checked:
    """Parse, clean, anchor, assemble and validate. Unless `full`, documents whose inputs are unchanged
    since the last build come from the cache (graph/cache.py); the result is the same either way.
    `finish(parts)` is called on each batch of newly assembled and validated documents (the build
    serialises and caches them there); without it, the parts keep their graphs."""
    timings = timings or Timings()
    iris = Iris(config.base)
    # Every mistake of the curated files is collected (up to a cap) and reported together, each with
    # its file, line and field; the build goes on to the next stage only when there is none.
    errors = ErrorLog()
    with timings.stage("parse"):
        # What every document's part depends on (the per-document key adds the document's own inputs).
        shared = {"base": config.base, "ontology": config.ontology_file.read_text(encoding="utf-8"),
                  "shapes": config.shapes_file.read_text(encoding="utf-8"),
                  "context": config.context_file.read_text(encoding="utf-8"),
                  "actors": _digest(config.actors_file)}
        cache = DocumentCache(config.cache_dir, shared, enabled=not full)
        ontology = load_turtle(config.ontology_file, config.base)
        listed = _digest(config.documents_file)
        documents = {d.id: d for d in _memoised(cache, errors, ("documents", listed), load_documents,
                                                config.documents_file, errors, default=[])}
        actors = _memoised(cache, errors, ("actors",), load_actors, config.actors_file, errors, default={})
        errors.raise_if_any()    # claims are judged against the documents and actors: those come first
        claims = []
        for path in sorted(config.claims_dir.glob("*.yaml")):
            # A claims file read before, against the same documents and actors, is not parsed again.
            # (a file's claims depend on the documents only through whether its own document is listed)
            claims.extend(_memoised(cache, errors, ("claims", path.name, _digest(path), path.stem in documents), load_claims,
                                    path, documents, actors, errors, default=[]))
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
        origins: dict = {}
        assembled = AssembledDataset(iris, ontology, actors_graph(iris, actors, origins), origins=origins)
        groups = by_document(sources, claims)
        keys = {}
        for doc_id, doc_claims in groups.items():
            add_origins(sources[doc_id], doc_claims, iris, assembled.origins)
            keys[doc_id] = cache.key(sources[doc_id], doc_claims, [anchors[iris.claim(c.document, c.id)] for c in doc_claims])
            part = cache.lookup(doc_id, keys[doc_id])
            if part is not None:
                assembled.documents[doc_id] = part
        assembled.counts = {"actors": len(actors), "claims": len(claims), "documents": len(sources),
                            "evidence": sum(len(c.evidence) for c in claims)}
    with timings.stage("validate"):
        shapes = load_turtle(config.shapes_file, config.base)
        local, spanning = shape_split(shapes, iris)
        base = base_graph(ontology, assembled.actors)
    todo = [doc_id for doc_id in groups if doc_id not in assembled.documents]
    orphans: list = []
    for start in range(0, len(todo), BATCH):
        batch: list[DocumentPart] = []
        with timings.stage("assemble"):
            for doc_id in todo[start:start + BATCH]:
                part = assemble_document(iris, vocabulary, actors, sources[doc_id], groups[doc_id], anchors, keys[doc_id])
                part.index = index_of(part.graph, iris)
                assembled.documents[doc_id] = part
                batch.append(part)
        with timings.stage("validate"):
            orphans.extend(validate_documents(ontology, assembled.actors, batch, shapes, local))
        if finish is not None:
            finish(batch, cache)
    assembled.documents = dict(sorted(assembled.documents.items()))
    with timings.stage("validate"):
        spanning_reports = validate_spanning(base, assembled.actors, list(assembled.documents.values()), shapes, spanning,
                                             cache)
        results = [t for part in assembled.documents.values() for t in part.results or ()]
        outcome = outcome_of(merge_reports(results + orphans, spanning_reports), assembled.origins)
    return Checked(iris, ontology, assembled, outcome, timings, set(cache.hits), cache)


def build(config: BuildConfig | None = None, full: bool = False) -> BuildResult:
    """`full`: ignore the per-document cache (it is rewritten); the output is the same either way."""
    config = config or BuildConfig()
    timings = Timings()
    context = load_context(config.context_file, config.base)
    convert = ox_terms()

    def finish(parts: list[DocumentPart], cache: DocumentCache) -> None:
        with timings.stage("serialize"):
            for part in parts:
                document_fragments(part, iris, context, convert)
                part.graph = None     # from here on, the part is plain data
                cache.store(part)

    iris = Iris(config.base)
    checked = check(config, timings, full, finish)
    if not checked.outcome.conforms:
        raise ValidationFailed(checked.outcome)
    assembled, cache = checked.assembled, checked.cache
    with timings.stage("reason"):
        schema = cache.get("schema closure")    # owlrl over the ontology alone: keyed by the ontology
        if schema is None:
            schema = closure(checked.ontology, Graph(), [])
            cache.put("schema closure", schema)
        # Reasoning reads the ontology and actors (in the cache's common key) and the direct triples.
        direct = assembled.direct_triples
        facts = hashlib.sha256("\n".join(sorted(" ".join(t.n3() for t in f) for f in direct)).encode()).hexdigest()
        inferences = cache.get(("inferences", facts))
        if inferences is None:
            inferences = infer(checked.ontology, assembled.actors, direct, iris, schema)
            cache.put(("inferences", facts), inferences)
        inferred = inference_triples(inferences, iris)
    whole = {iris.ontology_graph: (checked.ontology, "ontology"), iris.actors_graph: (assembled.actors, "actors"),
             iris.inferred_graph: (inferred, f"inferred {facts}")}
    shapes_text = rebase(config.shapes_file.read_text(encoding="utf-8"), config.base)
    # The hand-written ontology names the default base; under another base, document the published,
    # rebased ontology.ttl (written before the extra writers run) instead.
    documented = config.ontology_file if config.base == DEFAULT_BASE else None

    def ontology_html(out):
        """pyLODE's page, kept by the cache (its key holds the ontology and the code)."""
        page = cache.get("ontology.html")
        if page is None:
            write_ontology_html(documented or out / "ontology.ttl", out / "ontology.html")
            cache.put("ontology.html", (out / "ontology.html").read_bytes())
        else:
            (out / "ontology.html").write_bytes(page)

    with timings.stage("serialize"):
        publication = publish(config.build_dir, lambda out: write_files(
            out, iris, list(assembled.documents.values()), whole, checked.ontology, shapes_text, context,
            checked.outcome.report, checked.outcome.text(), assembled.counts, config.queries_dir, [ontology_html],
            cache))
        cache.prune(assembled.documents)
    return BuildResult(publication, checked.outcome, inferences, timings, checked.reused)
