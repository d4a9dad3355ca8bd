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
@click.option("--full", is_flag=True, help="Rebuild every document, ignoring the per-document cache (the output is the same).")
def build(build_dir, full):
    """Build the dataset from the corpus and the ontology and publish it into the build folder.

    Nothing is published unless the graph conforms to the shapes; a failed build leaves the
    previous build untouched. Documents whose inputs did not change since the last build come from
    the cache beside the build folder (<build>.cache/).
    """
    from alliance_kg.graph.pipeline import BuildError
    from alliance_kg.graph.pipeline import build as run_build

    config = build_config(build_dir)
    try:
        result = run_build(config, full=full)
    except BuildError as e:
        click.echo(f"error: {e}", err=True)
        click.echo("build failed; the previous build (if any) is unchanged.", err=True)
        sys.exit(1)
    counts = result.manifest["counts"]
    click.echo(f"built {config.build_dir}: {counts['claims']} claims with {counts['evidence']} pieces of "
               f"evidence from {counts['documents']} documents, {counts['actors']} actors, "
               f"{counts['triples']} quads ({counts['inferred']} in the inferred graph); "
               f"{result.outcome.warnings} SHACL warning(s)")
    click.echo("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.seconds.items())
               + f"; {len(result.reused)} of {counts['documents']} documents from the cache")


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
@click.option("--store", default=None, metavar="QUERY_URL",
              help="Answer every page and query from this SPARQL 1.1 endpoint, loaded by `alliance-kg push`, "
                   "instead of the embedded store [env ALLIANCE_KG_STORE].")
@click.option("--store-auth", default=None, metavar="USER:PASSWORD",
              help="Credentials for --store (HTTP Basic; digest:USER:PASSWORD for Digest) [env ALLIANCE_KG_STORE_AUTH].")
@click.option("--curate", is_flag=True,
              help="Also serve the review page (/curate/) that accepts, rejects and edits proposed claims; "
                   "it writes to the corpus, so the server must listen on a loopback address.")
def serve(host, port, build_dir, build_first, timeout, max_rows, workers, threads, allow_service, store, store_auth,
          curate):
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
                                               service_allowlist=tuple(allow_service) or None, store=store,
                                               store_auth=store_auth)
    except ValueError as e:       # a setting from the environment out of range
        raise click.UsageError(str(e)) from None
    if curate and not is_loopback(server_config.host):
        raise click.UsageError(f"--curate writes to the corpus: listen on a loopback address (127.0.0.1 or ::1), "
                               f"not {server_config.host}")
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
    from alliance_kg.server.engine.remote import StoreNotLoaded

    try:
        serve_forever(server_config, announce=click.echo, curate=config.corpus if curate else None)
    except (CannotServe, StoreNotLoaded) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("stopped")


@main.command()
@click.option("--gsp", "gsp_url", required=True, metavar="URL",
              help="The store's SPARQL 1.1 Graph Store HTTP Protocol endpoint (graphs are PUT to URL?graph=…).")
@click.option("--query-url", default=None, metavar="URL",
              help="The store's SPARQL 1.1 query endpoint, to verify the load [default: the --gsp URL].")
@click.option("--auth", default=None, metavar="USER:PASSWORD", envvar="ALLIANCE_KG_STORE_AUTH",
              help="Credentials for both endpoints (HTTP Basic; digest:USER:PASSWORD for Digest) "
                   "[env ALLIANCE_KG_STORE_AUTH].")
@click.option("--keep-previous", is_flag=True,
              help="Keep the graphs of the version served until now (for servers still running the old build).")
@click.option("--timeout", default=300.0, show_default=True, type=float, help="Seconds per HTTP request.")
@build_dir_option
def push(gsp_url, query_url, auth, keep_previous, timeout, build_dir):
    """Load the built dataset into a remote triplestore, verify it, then switch to it.

    Each named graph is PUT under a versioned name (<graph>?version=<dataset version>) beside the
    version being served; the triple counts are verified through the query endpoint; only then the
    record graph <BASE graph/store-version> is switched and the older versions are deleted. A failed
    push leaves the store serving the previous version. Serve it with `alliance-kg serve --store`.
    """
    from alliance_kg.push import PushError
    from alliance_kg.push import push as run_push
    from alliance_kg.server.dataset import DatasetMissing

    config = build_config(build_dir)
    try:
        report = run_push(config.build_dir, gsp_url, query_url, auth or "", keep_previous, timeout, announce=click.echo)
    except (PushError, DatasetMissing) as e:
        click.echo(f"error: {e}", err=True)
        click.echo("push failed; the store still serves the version it served before.", err=True)
        sys.exit(1)
    if report.unchanged:
        click.echo(f"the store already serves version {report.version}; nothing pushed")
        return
    click.echo(f"pushed version {report.version} ({sum(report.graphs.values())} triples in {len(report.graphs)} "
               f"graphs, verified); replaced {report.previous or 'nothing'}; deleted {len(report.deleted)} old graph(s)")
    click.echo("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items()))


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- growing the corpus: add a document, draft its claims, review them -------------------------------

def corpus_of_command():
    """The corpus this command names (a clear usage error when there is none)."""
    return build_config().corpus


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "doc_id", default=None, help="Document id (default: the next NNN_ and the first 16 hex digits of its SHA-256).")
@click.option("--title", default=None, help="Title (default: the document's first line).")
def add(path, doc_id, title):
    """Register the document at PATH: copy it byte for byte into the corpus and record its SHA-256,
    title and web-junk line ranges in documents.yaml. The last line printed is the new document id."""
    from alliance_kg.graph.ingest.add import AddError
    from alliance_kg.graph.ingest.commands import add as add_document

    corpus = corpus_of_command()
    try:
        added = add_document(corpus, path, doc_id, title)
    except AddError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    click.echo(f"copied to {corpus.display(added.file)} (SHA-256 {added.sha256})")
    click.echo(f"title: {added.title}")
    for r in added.junk:
        click.echo(f"junk: lines {r.first}-{r.last} {r.kind}")
    if not added.junk:
        click.echo("junk: none found")
    click.echo(added.id)


@main.command()
@click.argument("doc_id")
@click.option("--force", is_flag=True, help="Replace an existing proposal file (its review is lost).")
@click.option("--wikidata", "wikidata_online", is_flag=True,
              help="Ask Wikidata's API for candidates for the new actors (default: the link cache only, offline).")
@click.option("--api", "api_url", default=None, metavar="URL",
              help="Wikidata's Action API for --wikidata [env ALLIANCE_KG_WIKIDATA_API; "
                   "default https://www.wikidata.org/w/api.php]; implies --wikidata.")
@click.option("--cache", "cache_file", type=click.Path(dir_okay=False), default=None,
              help="The file of cached API answers [default: the corpus's proposed/wikidata-cache.json].")
def propose(doc_id, force, wikidata_online, api_url, cache_file):
    """Draft the claims of document DOC_ID into the corpus's proposed/DOC_ID.yaml for review.

    Proposals are never published: only what `accept` moves into claims/ reaches the build. The
    actors a proposal introduces get Wikidata candidates through `alliance-kg link`'s path (into
    proposed/wikidata-links.yaml and, per actor, `wikidataCandidates`), from the cache unless
    --wikidata; a lookup that fails is reported, never fatal. `accept` copies no QID into actors.yaml."""
    import os

    from alliance_kg.graph.curation import BuildError
    from alliance_kg.graph.ingest.commands import run_propose
    from alliance_kg.graph.link import API_ENVIRONMENT

    corpus = corpus_of_command()
    online = wikidata_online or api_url is not None
    try:
        target, result = run_propose(corpus, doc_id, force, wikidata_api=api_url or os.environ.get(API_ENVIRONMENT),
                                     wikidata_online=online, wikidata_cache=Path(cache_file) if cache_file else None)
    except BuildError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    click.echo(f"{len(result['claims'])} proposed claims and {len(result['actors'])} actors to add in {corpus.display(target)}")
    if result["dropped"]:
        click.echo(f"{len(result['dropped'])} proposal(s) dropped by the anchoring check", err=True)
    if result["wikidata"] and not online:
        click.echo("wikidata: offline, candidates from the cache only (--wikidata asks the API)")
    for actor_id, found in sorted(result["wikidata"].items()):
        click.echo(f"wikidata: {actor_id}: {found.status}: {found.detail}")


def _decide(decision: str, doc_id, claim_ids, take_all):
    from alliance_kg.graph.ingest import review
    from alliance_kg.graph.ingest.commands import review_paths

    action = review.accept if decision == "accepted" else review.reject
    try:
        outcome = action(review_paths(corpus_of_command()), doc_id, list(claim_ids) or None, take_all)
    except review.ReviewError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    names = outcome.accepted or outcome.rejected
    click.echo(f"{decision} {len(names)} claim(s): {', '.join(names)}")
    if outcome.actors_added:
        click.echo(f"added to actors.yaml: {', '.join(outcome.actors_added)}")
    click.echo(f"{outcome.remaining} proposal(s) left for {doc_id}")


def _review_command(function):
    """A command deciding on proposed claims of a document: DOC_ID, then --claim ID… or --all."""
    function = click.option("--all", "take_all", is_flag=True, help="Every proposed claim of the document.")(function)
    function = click.option("--claim", "claim_ids", multiple=True, metavar="ID", help="A proposed claim (repeatable).")(function)
    return main.command()(click.argument("doc_id")(function))


@_review_command
def accept(doc_id, claim_ids, take_all):
    """Move proposed claims of DOC_ID (and the actors they need) into the curated files."""
    _decide("accepted", doc_id, claim_ids, take_all)


@_review_command
def reject(doc_id, claim_ids, take_all):
    """Drop proposed claims of DOC_ID."""
    _decide("rejected", doc_id, claim_ids, take_all)


if __name__ == "__main__":
    main()
