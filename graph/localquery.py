"""SPARQL over a built dataset from the terminal (`alliance-kg query`), with pyoxigraph."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from alliance_kg.graph.release import current


class LocalQueryError(Exception):
    pass


@dataclass
class LocalDataset:
    store: ox.Store
    asserted: list[ox.NamedNode]
    inferred: ox.NamedNode

    @classmethod
    def open(cls, build_dir: Path) -> "LocalDataset":
        version = current(Path(build_dir))    # one version, even if a build is published meanwhile
        if version is None:
            raise LocalQueryError(f"no built dataset in {build_dir}: run `alliance-kg build` first")
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        store = ox.Store()
        store.bulk_load(path=str(version / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
        inferred = manifest["base"] + "graph/inferred"
        asserted = [ox.NamedNode(g) for g in manifest["graphs"] if g != inferred]
        return cls(store, asserted, ox.NamedNode(inferred))

    def execute(self, query: str, include_inferred: bool = False):
        graphs = self.asserted + ([self.inferred] if include_inferred else [])
        try:
            return self.store.query(query, default_graph=graphs)
        except SyntaxError as e:
            raise LocalQueryError(f"malformed query: {e}") from None

    def run(self, query: str, fmt: str, include_inferred: bool = False) -> str:
        result = self.execute(query, include_inferred)
        if isinstance(result, ox.QueryBoolean):
            return json.dumps({"head": {}, "boolean": bool(result)}) + "\n" if fmt == "json" else f"{bool(result)}\n"
        if isinstance(result, ox.QueryTriples):
            return result.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8")
        if fmt != "table":
            formats = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                       "tsv": ox.QueryResultsFormat.TSV}
            text = result.serialize(format=formats[fmt]).decode("utf-8")
            return text if text.endswith("\n") else text + "\n"   # a terminal prompt must not glue onto JSON
        variables = [v.value for v in result.variables]
        rows = [[_short(s[v]) for v in variables] for s in result]
        widths = [min(60, max([len(v)] + [len(r[i]) for r in rows])) for i, v in enumerate(variables)]
        line = lambda cells: " | ".join(c[:60].ljust(w) for c, w in zip(cells, widths)).rstrip()
        out = [line(variables), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
        return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return term.value if isinstance(term, ox.NamedNode) else str(term)
