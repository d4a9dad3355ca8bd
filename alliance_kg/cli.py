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
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds the query may run before it is stopped (exit 1) [default: no limit].")
@build_dir_option
def query(query, fmt, inferred, timeout, build_dir):
    """Run a SPARQL QUERY (or @file.rq) over the built dataset.

    The default graph is the union of the asserted graphs (with --inferred, the inferred one too);
    GRAPH clauses see every named graph. Ctrl-C stops a running query.
    """
    if query.startswith("@"):
        try:
            query = Path(query[1:]).read_text(encoding="utf-8")
        except OSError as e:
            raise click.UsageError(f"cannot read {query[1:]}: {e}")
    status, text = _run_query(build_config(build_dir).build_dir, query, fmt, inferred, timeout)
    if status == "ok":
        click.echo(text, nl=False)
        return
    click.echo(f"error: {text}", err=True)
    sys.exit(130 if status == "interrupted" else 1)


def _query_process(connection, build_dir, query, fmt, inferred) -> None:
    import signal

    from alliance_kg.graph.localquery import LocalDataset, LocalQueryError

    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle: it stops us
    try:
        connection.send(("ok", LocalDataset.open(build_dir).run(query, fmt, include_inferred=inferred)))
    except LocalQueryError as e:
        connection.send(("error", str(e)))
    except Exception as e:     # an evaluation error of the engine, said in one line
        connection.send(("error", f"{type(e).__name__}: {e}"))


def _run_query(build_dir, query, fmt, inferred, timeout) -> tuple[str, str]:
    """Evaluate in a child process: pyoxigraph cannot be interrupted, a process can be stopped."""
    import multiprocessing
    import time

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_query_process, args=(sender, str(build_dir), query, fmt, inferred), daemon=True)
    process.start()
    sender.close()
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return "timeout", f"the query ran longer than {timeout:g} s and was stopped"
            try:
                if receiver.poll(0.2 if left is None else min(0.2, left)):
                    return receiver.recv()
            except EOFError:
                return "error", "the query process ended without an answer"
            if not process.is_alive() and not receiver.poll():
                return "error", "the query process ended without an answer"
    except KeyboardInterrupt:
        return "interrupted", "interrupted; the query was stopped"
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)


@main.command()
@click.option("--host", default=None, help="Interface to listen on [env ALLIANCE_KG_HOST; default 127.0.0.1].")
@click.option("--port", default=None, type=click.IntRange(0, 65535),
              help="Port, 0-65535; 0 picks a free one [env ALLIANCE_KG_PORT; default 8000].")
@build_dir_option
@click.option("--build-first", is_flag=True, default=False,
              help="Build the corpus into the build folder before serving (otherwise an empty one is an error).")
@click.option("--timeout", default=None, type=click.FloatRange(min=0, min_open=True),
              help="Seconds a query may run before it is stopped (503) [env ALLIANCE_KG_TIMEOUT; default 10].")
@click.option("--max-rows", default=None, type=click.IntRange(min=1),
              help="Result rows per answer; more is cut and signalled by X-SPARQL-Truncated "
                   "[env ALLIANCE_KG_MAX_ROWS; default 10000].")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Query processes (concurrent queries) [env ALLIANCE_KG_WORKERS; default 2].")
@click.option("--threads", default=None, type=click.IntRange(min=1), help="HTTP threads [env ALLIANCE_KG_THREADS; default 16].")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="A SERVICE endpoint queries may call (repeatable; none by default) "
                   "[env ALLIANCE_KG_SERVICE_ALLOWLIST, comma-separated].")
def serve(host, port, build_dir, build_first, timeout, max_rows, workers, threads, allow_service):
    """Serve the dataset over HTTP: SPARQL endpoint, linked data and pages.

    A new build published into the build folder (`alliance-kg build`) goes live by itself, atomically;
    SIGHUP makes the server look at once. Nothing is fetched from the network unless allow-listed with
    --allow-service (for example https://query.wikidata.org/sparql).
    """
    from alliance_kg.graph.release import current
    from alliance_kg.server.config import ServerConfig
    from alliance_kg.server.wsgi import CannotServe
    from alliance_kg.server.wsgi import serve as serve_forever

    config = build_config(build_dir)
    try:
        server_config = ServerConfig().replace(host=host, port=port, build_dir=config.build_dir, timeout=timeout,
                                               max_rows=max_rows, workers=workers, threads=threads,
                                               service_allowlist=tuple(allow_service) or None)
    except ValueError as e:       # a setting from the environment out of range
        raise click.UsageError(str(e)) from None
    if build_first:
        from alliance_kg.graph.pipeline import BuildError
        from alliance_kg.graph.pipeline import build as run_build

        click.echo(f"building {config.build_dir} first")
        try:
            run_build(config)
        except BuildError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
    elif current(config.build_dir) is None:
        click.echo(f"error: no built dataset in {config.build_dir}: run `alliance-kg build"
                   f"{'' if build_dir is None else ' --build-dir ' + str(build_dir)}` first, "
                   "or serve with --build-first", err=True)
        sys.exit(1)
    try:
        serve_forever(server_config, announce=click.echo)
    except CannotServe as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("stopped")


if __name__ == "__main__":
    main()
