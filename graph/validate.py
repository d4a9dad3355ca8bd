"""Validate the asserted graph against ontology/shapes.ttl with pyshacl, and report it readably.

Each result names the curated file and line its focus node came from, so a violation points at the
YAML entry to fix, not just at an IRI.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyshacl
from rdflib import RDF, Graph, URIRef

from alliance_kg.graph.curation import BuildError, Origin
from alliance_kg.graph.vocabulary import SH


class ValidationFailed(BuildError):
    def __init__(self, outcome: "ValidationOutcome"):
        self.outcome = outcome
        super().__init__(f"the graph does not conform to the shapes ({outcome.violations} violation(s)):\n"
                         + outcome.text())


@dataclass(frozen=True)
class Result:
    severity: str          # Violation | Warning | Info
    focus: str
    path: str | None
    message: str
    value: str | None
    shape: str | None
    origin: Origin | None

    def text(self) -> str:
        lines = [f"{self.severity}: {self.message}", f"  focus node: {self.focus}"]
        if self.path:
            lines.append(f"  path:       {self.path}")
        if self.value:
            lines.append(f"  value:      {self.value}")
        if self.origin:
            lines.append(f"  defined at: {self.origin}")
        return "\n".join(lines)


@dataclass
class ValidationOutcome:
    conforms: bool
    results: list[Result]
    report: Graph

    @property
    def violations(self) -> int:
        return sum(r.severity == "Violation" for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.severity == "Warning" for r in self.results)

    def text(self) -> str:
        head = (f"Conforms: {'yes' if self.violations == 0 else 'no'} — {self.violations} violation(s), "
                f"{self.warnings} warning(s)")
        return "\n\n".join([head] + [r.text() for r in self.results])


def _origin(node, origins: dict[URIRef, Origin]) -> Origin | None:
    if node in origins:
        return origins[node]
    text = str(node)   # a fragment (selector, time) lives with its parent claim or document
    return origins.get(URIRef(text.split("#", 1)[0])) if "#" in text else None


def validate(data: Graph, shapes: Graph, origins: dict[URIRef, Origin]) -> ValidationOutcome:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                           allow_warnings=True, meta_shacl=False)
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(r, SH.resultSeverity)
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        value = report.value(r, SH.value)
        results.append(Result(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=str(focus), path=str(path) if path is not None else None,
            message=str(report.value(r, SH.resultMessage) or "constraint not met"),
            value=str(value) if value is not None else None,
            shape=str(report.value(r, SH.sourceShape)) if report.value(r, SH.sourceShape) else None,
            origin=_origin(focus, origins)))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    results.sort(key=lambda x: (order.get(x.severity, 3), x.focus, x.path or "", x.message))
    return ValidationOutcome(conforms=not any(x.severity == "Violation" for x in results), results=results,
                             report=report)
