"""Human-readable documentation of the ontology, generated at build time with pyLODE."""
from __future__ import annotations

import json
import logging
import re
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


def write_ontology_html(ontology_file: Path, destination: Path) -> None:
    from pylode import OntPub

    # pyLODE logs every background ontology it loads at INFO; a build should stay quiet.
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    html = OntPub(ontology=str(ontology_file)).make_html()
    destination.write_text(_stable(html), encoding="utf-8")
