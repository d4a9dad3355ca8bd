"""`alliance-kg`: make a corpus, build, validate, query and serve its knowledge graph.

This module sits above the build (alliance_kg.graph) and the server (alliance_kg.server): the build
never imports the server. Exit codes: 0 ok, 1 invalid data (or a failed query), 2 usage.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from alliance_kg import __version__
from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.corpus import ENVIRONMENT, CorpusMissing

BUILD_DIR_HELP = "The published dataset [env ALLIANCE_KG_BUILD; default: the corpus's build folder]."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="alliance-kg")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default=None, envvar=ENVIRONMENT,
              help=f"The corpus directory [env {ENVIRONMENT}; default: the repository's corpus of the seeds].")
@click.pass_context
def main(ctx, corpus_dir):
    """Evidence-anchored knowledge graph of geopolitical alliances and proxy relationships."""
    ctx.obj = {"corpus_dir": corpus_dir}


def build_config(build_dir: str | None = None) -> BuildConfig:
    """The build settings of the corpus this command names (a clear usage error when there is none)."""
    try:
        return BuildConfig.for_corpus(click.get_current_context().obj["corpus_dir"], build_dir)
    except CorpusMissing as e:
        raise click.UsageError(str(e)) from None


def build_dir_option(f):
    return click.option("--build-dir", type=click.Path(file_okay=False), default=None, help=BUILD_DIR_HELP)(f)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory):
    """Create an empty corpus in DIRECTORY: documents/, documents.yaml, actors.yaml, claims/, proposed/, queries/."""
    from alliance_kg.graph.corpus import init as make_corpus

    try:
        corpus = make_corpus(directory)
    except CorpusMissing as e:
        raise click.UsageError(str(e)) from None
    click.echo(f"created an empty corpus in {corpus.root}")


@main.command()
@build_dir_option
def build(build_dir):
    """Build the dataset from the corpus and the ontology and publish it into the build folder.

    Nothing is published unless the graph conforms to the shapes; a failed build leaves the
    previous build untouched.
    """
    from alliance_kg.graph.pipeline import BuildError
    from alliance_kg.graph.pipeline import build as run_build

    config = build_config(build_dir)
    try:
        result = run_build(config)
    except BuildError as e:
        click.echo(f"error: {e}", err=True)
        click.echo("build failed; the previous build (if any) is unchanged.", err=True)
        sys.exit(1)
    counts = result.manifest["counts"]
    click.echo(f"built {config.build_dir}: {counts['claims']} claims with {counts['evidence']} pieces of "
               f"evidence from {counts['documents']} documents, {counts['actors']} actors, "
               f"{counts['triples']} quads ({counts['inferred']} in the inferred graph); "
               f"{result.outcome.warnings} SHACL warning(s)")
    click.echo("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.seconds.items()))


@main.command()
def validate():
    """Validate the curated data against the shapes and print a readable report (exit 1 on violations)."""
    from alliance_kg.graph.pipeline import BuildError, check

    try:
        checked = check(build_config())
    except BuildError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    click.echo(checked.outcome.text())
    sys.exit(0 if checked.outcome.conforms else 1)


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table",
              show_default=True, help="Output format.")
@click.option("--inferred/--asserted", default=False, help="Include the inferred graph in the default graph.")
@build_dir_option
def query(query, fmt, inferred, build_dir):
    """Run a SPARQL QUERY (or @file.rq) over the built dataset.

    The default graph is the union of the asserted graphs (with --inferred, the inferred one too);
    GRAPH clauses see every named graph.
    """
    from alliance_kg.graph.localquery import LocalDataset, LocalQueryError

    if query.startswith("@"):
        try:
            query = Path(query[1:]).read_text(encoding="utf-8")
        except OSError as e:
            raise click.UsageError(f"cannot read {query[1:]}: {e}")
    try:
        dataset = LocalDataset.open(build_config(build_dir).build_dir)
        click.echo(dataset.run(query, fmt, include_inferred=inferred), nl=False)
    except LocalQueryError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)


@main.command()
@click.argument("actor_ids", nargs=-1, metavar="[ACTOR_ID]...")
@click.option("--api", "api_url", default=None, metavar="URL",
              help="Wikidata's Action API [env ALLIANCE_KG_WIKIDATA_API; default https://www.wikidata.org/w/api.php].")
@click.option("--cache", "cache_file", type=click.Path(dir_okay=False), default=None,
              help="The file of cached API answers [default: the corpus's proposed/wikidata-cache.json].")
@click.option("--offline", is_flag=True, help="Use only the cache; never touch the network.")
def link(actor_ids, api_url, cache_file, offline):
    """Propose Wikidata items for actors without a QID (default: all of them), for review.

    Asks Wikidata's API (wbsearchentities, then wbgetentities for the candidates' labels, aliases
    and P31) and writes the candidates to the corpus's proposed/wikidata-links.yaml, with the API's
    answers in proposed/wikidata/<actor>.json. actors.yaml is never changed: a person checks a
    candidate and copies its `wikidata:` block there.
    """
    import os

    from alliance_kg.graph.curation import BuildError, load_actors
    from alliance_kg.graph.link import API_ENVIRONMENT, CACHE_FILE, DEFAULT_API, ApiCache, LinkError, WikidataApi
    from alliance_kg.graph.link import run as run_link

    config = build_config()
    corpus = config.corpus
    try:
        actors = load_actors(corpus.actors_file)
        cache = ApiCache(Path(cache_file) if cache_file else corpus.proposed_dir / CACHE_FILE)
        api = WikidataApi(cache, api_url or os.environ.get(API_ENVIRONMENT) or DEFAULT_API, offline=offline)
        try:
            result = run_link(actors, list(actor_ids), corpus.proposed_dir, api)
        finally:
            api.close()
    except (LinkError, BuildError) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    for actor_id in result.skipped:
        click.echo(f"{actor_id}: already linked to {actors[actor_id].wikidata.qid}; nothing proposed")
    for proposal in result.proposals:
        best = proposal.candidates[0] if proposal.candidates else None
        summary = (f"{len(proposal.candidates)} candidate(s), first {best.qid} {best.label!r}"
                   + (" (name matches)" if best.matches else "")) if best else "no candidate"
        click.echo(f"{proposal.actor.id}: {summary}")
    if result.proposals:
        click.echo(f"proposals written to {corpus.display(result.proposals_file)} (actors.yaml unchanged)")


@main.command()
@click.option("--host", default=None, help="Interface to listen on [env ALLIANCE_KG_HOST; default 127.0.0.1].")
@click.option("--port", default=None, type=click.IntRange(0, 65535),
              help="Port [env ALLIANCE_KG_PORT; default 8000].")
@build_dir_option
@click.option("--timeout", default=None, type=float,
              help="Seconds a query may run before it is stopped (503) [env ALLIANCE_KG_TIMEOUT; default 10].")
@click.option("--max-rows", default=None, type=int,
              help="Result rows per answer; more is cut and signalled by X-SPARQL-Truncated "
                   "[env ALLIANCE_KG_MAX_ROWS; default 10000].")
@click.option("--workers", default=None, type=int,
              help="Query processes (concurrent queries) [env ALLIANCE_KG_WORKERS; default 2].")
@click.option("--threads", default=None, type=int, help="HTTP threads [env ALLIANCE_KG_THREADS; default 16].")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="A SERVICE endpoint queries may call (repeatable; none by default) "
                   "[env ALLIANCE_KG_SERVICE_ALLOWLIST, comma-separated].")
def serve(host, port, build_dir, timeout, max_rows, workers, threads, allow_service):
    """Serve the dataset over HTTP: SPARQL endpoint, linked data and pages.

    Builds the corpus first when its build folder holds no dataset. Nothing is fetched from the
    network unless allow-listed with --allow-service (for example https://query.wikidata.org/sparql).
    """
    from alliance_kg.server.config import ServerConfig
    from alliance_kg.server.wsgi import serve as serve_forever

    config = build_config(build_dir)
    server_config = ServerConfig().replace(host=host, port=port, build_dir=config.build_dir, timeout=timeout,
                                           max_rows=max_rows, workers=workers, threads=threads,
                                           service_allowlist=tuple(allow_service) or None)
    if not (config.build_dir / "manifest.json").is_file():
        from alliance_kg.graph.pipeline import BuildError
        from alliance_kg.graph.pipeline import build as run_build

        click.echo(f"no dataset in {config.build_dir}: building it first")
        try:
            run_build(config)
        except BuildError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
    serve_forever(server_config, announce=click.echo)


if __name__ == "__main__":
    main()
