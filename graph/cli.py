"""`alliance-kg`: build, validate, query and serve the knowledge graph.

Exit codes: 0 ok, 1 invalid data (or a failed query), 2 usage.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.config import BuildConfig
from server.cli import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Evidence-anchored knowledge graph of geopolitical alliances and proxy relationships."""


def _config(build_dir: str | None) -> BuildConfig:
    config = BuildConfig()
    if build_dir:
        from dataclasses import replace
        config = replace(config, build_dir=Path(build_dir).resolve())
    return config


@main.command()
@click.option("--build-dir", type=click.Path(file_okay=False), default=None,
              help="Where to publish [env ALLIANCE_KG_BUILD, default build/].")
def build(build_dir):
    """Build the dataset from seeds/, ontology/ and graph/data/ and publish it into BUILD_DIR.

    Nothing is published unless the graph conforms to the shapes; a failed build leaves the
    previous build untouched.
    """
    from graph.pipeline import BuildError, build as run_build

    config = _config(build_dir)
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
    from graph.pipeline import BuildError, check

    try:
        checked = check(BuildConfig())
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
@click.option("--build-dir", type=click.Path(file_okay=False), default=None, help="The built dataset.")
def query(query, fmt, inferred, build_dir):
    """Run a SPARQL QUERY (or @file.rq) over the built dataset.

    The default graph is the union of the asserted graphs (with --inferred, the inferred one too);
    GRAPH clauses see every named graph.
    """
    from graph.localquery import LocalDataset, QueryFailed

    if query.startswith("@"):
        try:
            query = Path(query[1:]).read_text(encoding="utf-8")
        except OSError as e:
            raise click.UsageError(f"cannot read {query[1:]}: {e}")
    try:
        dataset = LocalDataset.open(_config(build_dir).build_dir)
        click.echo(dataset.run(query, fmt, include_inferred=inferred), nl=False)
    except QueryFailed as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)


main.add_command(serve)

if __name__ == "__main__":
    main()
