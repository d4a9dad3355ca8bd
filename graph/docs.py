"""Human-readable documentation of the ontology, generated at build time with pyLODE."""
from __future__ import annotations

import json
import logging
import re
from html import escape
from pathlib import Path

from alliance_kg.graph.publish import sort_json

# pyLODE embeds the ontology as JSON-LD whose member order follows rdflib's set iteration (it changes
# with the hash seed); re-serialising that block sorted keeps the build byte-identical.
_JSONLD_BLOCK = re.compile(r'(<script[^>]*type="application/ld\+json"[^>]*>)(.*?)(</script>)', re.DOTALL)


def _stable(html: str) -> str:
    def sort_block(match: re.Match) -> str:
        data = sort_json(json.loads(match.group(2)))
        return match.group(1) + "\n" + json.dumps(data, indent=2, ensure_ascii=False) + "\n" + match.group(3)
    return _JSONLD_BLOCK.sub(sort_block, html)


# What pyLODE's page lacks to be one of the site's pages (found by an audit with axe and a phone-size
# screen): a language, a viewport, the site's header and stylesheet, landmarks, and colours with
# enough contrast; its fixed side panels would push a phone's screen sideways.
SITE_HEADER = """<header class="site"><a class="brand" href="/">alliance-kg</a>
<nav aria-label="site"><a href="/sparql">Query</a> <a href="/downloads">Downloads</a> <a href="/ontology">Ontology</a>
<a href="/shapes">Shapes</a> <a href="/.well-known/void">VoID</a></nav></header>
"""
OVERRIDES = """<style>
body { padding: 0; font-family: inherit; }
#content { width: auto; max-width: 1240px; margin: 0 auto; padding: 1rem 230px 2rem 2rem; }
#toc { top: auto; bottom: 0; height: calc(100% - 3.5rem); background: #fff; border-color: #d1d9e0; }
#pylode { position: static; transform: none; color: #57606a; padding: 0 2rem 1rem; }
.sup-c, .sup-con { color: #953800; } .sup-fp { color: #0550ae; } .sup-dp { color: #116329; }
.sup-op { color: #0a3069; } .sup-ap, .sup-col { color: #82071e; } .sup-ni { color: #6e3a1e; }
table.entity { width: 100%; } table { table-layout: auto; } code, pre, td { overflow-wrap: anywhere; }
@media (max-width: 900px) { #toc { position: static; width: auto; height: auto; } #content { padding: 1rem; } }
</style>
"""


def site_page(html: str, title: str) -> str:
    """pyLODE's page made one of the site's: title and heading (pyLODE runs every concept scheme's
    title together), lang, viewport, description, the site's header, stylesheet and icon, landmarks."""
    head = (f'<title>{escape(title)} · alliance-kg</title>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="description" content="{escape(title)}: the classes and properties of alliance-kg, '
            'with their definitions, domains, ranges and examples.">\n'
            '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">\n'
            '<link rel="stylesheet" href="/static/style.css">\n')
    replacements = [
        (r"<html>", '<html lang="en">'),
        # after pyLODE's own styles, so that these win
        (r"</head>", OVERRIDES + "</head>"),
        (r"<title>.*?</title>", head),
        (r"<body>\s*<div id=\"content\">", "<body>\n" + SITE_HEADER + '<div id="content" role="main">'),
        (r"(<div class=\"section\" id=\"metadata\">\s*)<h1>.*?</h1>", lambda m: m.group(1) + f"<h1>{escape(title)}</h1>"),
        (r'<div id="pylode">', '<div id="pylode" role="contentinfo">'),
        (r'<div id="toc">', '<div id="toc" role="navigation" aria-label="Table of contents">'),
    ]
    for pattern, replacement in replacements:
        as_function = replacement if callable(replacement) else (lambda _m, text=replacement: text)
        html, count = re.subn(pattern, as_function, html, count=1, flags=re.DOTALL)
        if count != 1:
            raise ValueError(f"pyLODE's page has changed: no {pattern!r} to replace in the ontology page")
    return html


def _ontology_title(ontology_file: Path) -> str:
    from rdflib import OWL, RDF, Graph
    from rdflib.namespace import DCTERMS

    g = Graph().parse(ontology_file)
    ontology = next(g.subjects(RDF.type, OWL.Ontology))
    return str(g.value(ontology, DCTERMS.title) or "alliance-kg ontology")


def write_ontology_html(ontology_file: Path, destination: Path) -> None:
    from pylode import OntPub

    # pyLODE logs every background ontology it loads at INFO; a build should stay quiet.
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    html = OntPub(ontology=str(ontology_file)).make_html()
    destination.write_text(site_page(_stable(html), _ontology_title(ontology_file)), encoding="utf-8")
