"""Read the curated YAML files into typed records, remembering where every value came from.

Every mistake a curator can make is reported as a CurationError naming the file, the line and the
field (`claims[3].object`), so that nobody has to hunt for it.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alliance_kg.graph.corpus import REPOSITORY_ROOT
from alliance_kg.graph.iris import NAME_PATTERN


class BuildError(Exception):
    """Anything that stops a build; the message is meant for the person who runs it."""


class CurationError(BuildError):
    def __init__(self, file: Path | str, line: int | None, field: str | None, message: str):
        self.file, self.line, self.field, self.message = Path(file), line, field, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = display_path(self.file) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def display_path(path: Path) -> str:
    # Relative to the checkout (e.g. graph/data/actors.yaml) or to where the command runs.
    for anchor in (REPOSITORY_ROOT, Path.cwd()):
        try:
            return str(Path(path).resolve().relative_to(anchor))
        except ValueError:
            continue
    return str(path)


# Errors reported by one run, at most: enough to fix a batch, not a wall of text.
MAX_ERRORS = 50


class CurationErrors(CurationError):
    """Several mistakes found in one run. Its file, line and field are those of the first; its
    message lists every one (up to MAX_ERRORS), each with its own file, line and field."""

    def __init__(self, errors: list[CurationError], more: int = 0):
        self.errors, self.more = list(errors), more
        first = self.errors[0]
        super().__init__(first.file, first.line, first.field, first.message)

    def __str__(self) -> str:
        total = len(self.errors) + self.more
        lines = [f"{total} errors in the curated data:"] + [f"  {e}" for e in self.errors]
        if self.more:
            lines.append(f"  … and {self.more} more (only the first {len(self.errors)} are shown)")
        return "\n".join(lines)


class ErrorLog:
    """Collects curation errors so that one run reports all of them (up to a cap), not only the first."""

    def __init__(self, cap: int = MAX_ERRORS):
        self.cap, self.errors, self.more = cap, [], 0

    def add(self, error: CurationError) -> None:
        for one in getattr(error, "errors", [error]):
            if len(self.errors) < self.cap:
                self.errors.append(one)
            else:
                self.more += 1
        self.more += getattr(error, "more", 0)

    def attempt(self, function, *args, default=None):
        """function(*args), or `default` after logging its CurationError."""
        try:
            return function(*args)
        except CurationError as e:
            self.add(e)
            return default

    def raise_if_any(self) -> None:
        if len(self.errors) == 1 and not self.more:
            raise self.errors[0]
        if self.errors:
            raise CurationErrors(self.errors, self.more)


def _each(errors: ErrorLog | None, count: int, body) -> None:
    """body(i) for each item; a mistake in one item is logged and the next item is read (or, with no
    log, the first mistake is raised)."""
    for i in range(count):
        if errors is None:
            body(i)
        else:
            errors.attempt(body, i)


def unknown_actor(name: Any, actors, actors_file: Path | None = None) -> str:
    """The message for an id that is not an actor: the closest id, and how to add a new one."""
    if actors_file is None:
        actors_file = next((a.origin.file for a in actors.values()), None) if isinstance(actors, dict) else None
    where = display_path(actors_file) if actors_file else "actors.yaml"
    return (f"unknown actor {name!r}{suggest(str(name), actors)}; to add one, append to {where} an entry "
            f"`- id: {name}` with `class:` (one of {', '.join(ACTOR_CLASSES)}) and `label:`")


# --- YAML with line numbers -----------------------------------------------------------------

class Located(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict


class LocatedList(list):
    line: int
    item_lines: list


def _convert(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Located()
        out.line, out.key_lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = _convert(key_node)
            out[key] = _convert(value_node)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LocatedList(_convert(item) for item in node.value)
        out.line, out.item_lines = node.start_mark.line + 1, [i.start_mark.line + 1 for i in node.value]
        return out
    return _scalar(node)


_scalar_loader = yaml.SafeLoader("")


def _scalar(node: yaml.ScalarNode) -> Any:
    return _scalar_loader.construct_object(node, deep=True)


def load_yaml(path: Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurationError(path, None, None, "file not found") from None
    except UnicodeDecodeError as e:
        raise CurationError(path, None, None, f"not UTF-8: {e}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        raise CurationError(path, mark.line + 1 if mark else None, None, f"broken YAML: {problem}") from None
    return None if node is None else _convert(node)


class Fields:
    """Typed access to one YAML mapping, with errors that name file, line and field path."""

    def __init__(self, path: Path, mapping: Any, where: str):
        if not isinstance(mapping, Located):
            raise CurationError(path, getattr(mapping, "line", None), where, "expected a mapping")
        self.path, self.mapping, self.where = path, mapping, where

    @property
    def line(self) -> int:
        return self.mapping.line

    def line_of(self, key: str) -> int:
        return self.mapping.key_lines.get(key, self.mapping.line)

    def error(self, key: str | None, message: str) -> CurationError:
        field_path = f"{self.where}.{key}" if key else self.where
        return CurationError(self.path, self.line_of(key) if key else self.line, field_path, message)

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.mapping:
            if key not in allowed:
                raise self.error(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def get(self, key: str, kind: type | tuple = str, required: bool = True, default: Any = None) -> Any:
        if key not in self.mapping or self.mapping[key] is None:
            if required:
                raise self.error(None, f"missing field '{key}'")
            return default
        value = self.mapping[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.error(key, f"expected {expected}, got {type(value).__name__} {value!r}")
        if isinstance(value, str) and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def name(self, key: str, required: bool = True) -> str | None:
        value = self.get(key, str, required)
        if value is not None and not NAME_PATTERN.match(value):
            raise self.error(key, f"{value!r} is not a valid name ({NAME_PATTERN.pattern})")
        return value

    def sub(self, key: str, index: int | None = None) -> "Fields":
        value = self.mapping[key] if index is None else self.mapping[key][index]
        where = f"{self.where}.{key}" if index is None else f"{self.where}.{key}[{index}]"
        return Fields(self.path, value, where)


def suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- records ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Origin:
    file: Path
    line: int

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}"


@dataclass
class JunkRange:
    first_line: int
    last_line: int
    kind: str


@dataclass
class DocumentRecord:
    id: str
    file: str
    sha256: str
    title: str
    language: str
    junk: list[JunkRange]
    origin: Origin
    # Later stages (clean) report against the curated key's own line: "documents[0].sha256".
    fields: "Fields | None" = field(default=None, repr=False, compare=False)
    url: str | None = None     # where the document was collected from, when known (published as schema:url)


# Characters RFC 3987 allows nowhere in an IRI (besides spaces and controls).
_NOT_IN_IRI = set('<>"{}|\\^`')


def web_address(value: str) -> str | None:
    """Why `value` is not an absolute http(s) IRI, or None when it is one."""
    from urllib.parse import urlsplit

    if any(ch in _NOT_IN_IRI or ch.isspace() or ord(ch) < 0x20 for ch in value):
        return "contains a character an IRI cannot hold (space, <, >, \", {, }, |, \\, ^ or `)"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an absolute http:// or https:// address"
    return None


@dataclass
class WikidataLink:
    qid: str
    evidence: str


@dataclass
class ActorRecord:
    id: str
    cls: str
    label: str
    alt_labels: list[str]
    description: str | None
    government_of: str | None
    wikidata: WikidataLink | None
    origin: Origin


@dataclass
class EvidenceRecord:
    quote: str
    occurrence: int | None
    origin: Origin


@dataclass
class TimeRecord:
    start: int | None
    end: int | None
    text: str | None


@dataclass
class ClaimRecord:
    id: str
    document: str
    subject: str
    relation: str              # as written: local name or CURIE
    object: Any                # an actor id, or a literal value
    modality: str
    hedge: str | None
    polarity: str
    support: list[str]
    time: TimeRecord | None
    evidence: list[EvidenceRecord]
    note: str | None
    origin: Origin
    fields: Fields = field(repr=False)   # for errors found later (unknown relation, quote not found)


SUPPORT_KINDS = ("financial", "military", "training", "political", "diplomatic", "economic")
JUNK_KINDS = ("link-list", "trailing-headlines", "table-of-contents", "call-to-action")
ACTOR_CLASSES = ("State", "Government", "NonStateArmedGroup", "Militia", "PoliticalMovement",
                 "PoliticalParty", "SecurityForce", "Coalition", "InformalNetwork",
                 "InternationalOrganization", "Person", "Place", "Event", "War", "Attack")


def _top_list(path: Path, data: Any, key: str) -> Fields:
    if data is None:
        raise CurationError(path, None, None, "file is empty")
    top = Fields(path, data, "")
    top.where = ""
    if key not in data or not isinstance(data[key], LocatedList):
        raise CurationError(path, getattr(data, "line", 1), key, "missing list")
    return top


def _item(top: Fields, key: str, index: int) -> Fields:
    return Fields(top.path, top.mapping[key][index], f"{key}[{index}]")


def load_documents(path: Path, errors: ErrorLog | None = None) -> list[DocumentRecord]:
    data = load_yaml(path)
    top = _top_list(path, data, "documents")
    records: list[DocumentRecord] = []
    seen: set[str] = set()

    def one(i: int) -> None:
        f = _item(top, "documents", i)
        f.check_keys({"id", "file", "sha256", "title", "language", "junk", "url"})
        doc_id = f.name("id")
        if doc_id in seen:
            raise f.error("id", f"duplicate document id {doc_id!r}")
        seen.add(doc_id)
        sha = f.get("sha256")
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise f.error("sha256", "must be 64 lower-case hex digits")
        junk = []
        for j, _ in enumerate(f.get("junk", LocatedList, required=False, default=[])):
            jf = f.sub("junk", j)
            jf.check_keys({"lines", "kind"})
            lines = jf.get("lines", list)
            if len(lines) != 2 or not all(isinstance(n, int) and n > 0 for n in lines) or lines[0] > lines[1]:
                raise jf.error("lines", f"expected [first, last] line numbers, got {list(lines)!r}")
            kind = jf.get("kind")
            if kind not in JUNK_KINDS:
                raise jf.error("kind", f"unknown junk kind {kind!r} (one of {', '.join(JUNK_KINDS)})")
            junk.append(JunkRange(lines[0], lines[1], kind))
        url = f.get("url", required=False, default=None)
        if url is not None and web_address(url) is not None:
            raise f.error("url", f"{url!r} {web_address(url)}")
        records.append(DocumentRecord(doc_id, f.get("file"), sha, f.get("title"),
                                      f.get("language", required=False, default="en"), junk,
                                      Origin(path, f.line), f, url=url))
    _each(errors, len(data["documents"]), one)
    return records


def load_actors(path: Path, errors: ErrorLog | None = None) -> dict[str, ActorRecord]:
    data = load_yaml(path)
    top = _top_list(path, data, "actors")
    actors: dict[str, ActorRecord] = {}

    def one(i: int) -> None:
        f = _item(top, "actors", i)
        f.check_keys({"id", "class", "label", "altLabels", "description", "governmentOf", "wikidata",
                      "wikidata_unverified"})   # unverified QIDs are kept for review, never published
        actor_id = f.name("id")
        if actor_id in actors:
            raise f.error("id", f"duplicate actor id {actor_id!r} (first at line {actors[actor_id].origin.line})")
        cls = f.get("class")
        if cls not in ACTOR_CLASSES:
            raise f.error("class", f"unknown class {cls!r}{suggest(cls, ACTOR_CLASSES)}")
        alt = f.get("altLabels", list, required=False, default=[])
        for k, a in enumerate(alt):
            if not isinstance(a, str) or not a.strip():
                raise f.error("altLabels", f"altLabels[{k}] must be a non-empty string")
        wikidata = None
        if f.mapping.get("wikidata") is not None:
            wf = f.sub("wikidata")
            wf.check_keys({"id", "evidence"})
            qid = wf.get("id")
            if not (qid.startswith("Q") and qid[1:].isdigit() and qid[1] != "0"):
                raise wf.error("id", f"{qid!r} is not a Wikidata item id (Q followed by digits)")
            wikidata = WikidataLink(qid, wf.get("evidence"))
        actors[actor_id] = ActorRecord(actor_id, cls, f.get("label"), list(alt),
                                       f.get("description", required=False),
                                       f.name("governmentOf", required=False), wikidata, Origin(path, f.line))
    _each(errors, len(data["actors"]), one)
    ids = list(actors)

    def government(i: int) -> None:
        actor = actors[ids[i]]
        if actor.government_of and actor.government_of not in actors:
            raise CurationError(path, actor.origin.line, f"actor {actor.id}.governmentOf",
                                unknown_actor(actor.government_of, actors, path))
    _each(errors, len(ids), government)
    return actors


def load_claims(path: Path, documents: dict[str, DocumentRecord], actors: dict[str, ActorRecord],
                errors: ErrorLog | None = None) -> list[ClaimRecord]:
    data = load_yaml(path)
    top = _top_list(path, data, "claims")
    doc_id = Fields(path, data, "").get("document")
    if doc_id not in documents:
        raise CurationError(path, data.key_lines.get("document"), "document",
                            f"unknown document {doc_id!r}{suggest(doc_id, documents)}")
    if path.stem != doc_id:
        raise CurationError(path, data.key_lines.get("document"), "document",
                            f"file name {path.name!r} must be <document id>.yaml ({doc_id}.yaml)")
    claims: list[ClaimRecord] = []
    seen: dict[str, int] = {}

    def one(i: int) -> None:
        f = _item(top, "claims", i)
        f.check_keys({"id", "subject", "relation", "object", "modality", "hedge", "polarity", "support",
                      "time", "evidence", "note"})
        claim_id = f.name("id")
        if claim_id in seen:
            raise f.error("id", f"duplicate claim id {claim_id!r} (first at line {seen[claim_id]})")
        seen[claim_id] = f.line
        subject = f.name("subject")
        if subject not in actors:
            raise f.error("subject", unknown_actor(subject, actors))
        obj = f.get("object", (str, int, float))
        modality = f.get("modality", required=False, default="asserted")
        if modality not in ("asserted", "hedged"):
            raise f.error("modality", f"must be 'asserted' or 'hedged', not {modality!r}")
        hedge = f.get("hedge", required=False)
        if modality == "hedged" and not hedge:
            raise f.error("hedge", "a hedged claim needs the hedging words in 'hedge'")
        if hedge and modality != "hedged":
            raise f.error("modality", "'hedge' is given, so modality must be 'hedged'")
        polarity = f.get("polarity", required=False, default="affirmed")
        if polarity not in ("affirmed", "negated"):
            raise f.error("polarity", f"must be 'affirmed' or 'negated', not {polarity!r}")
        support = f.get("support", list, required=False, default=[])
        for kind in support:
            if kind not in SUPPORT_KINDS:
                raise f.error("support", f"unknown support kind {kind!r} (one of {', '.join(SUPPORT_KINDS)})")
        time = None
        if f.mapping.get("time") is not None:
            tf = f.sub("time")
            tf.check_keys({"start", "end", "text"})
            start, end = tf.get("start", int, required=False), tf.get("end", int, required=False)
            for key, year in (("start", start), ("end", end)):
                if year is not None and not 1 <= year <= 9999:
                    raise tf.error(key, f"year {year} out of range")
            if start is None and end is None:
                raise tf.error(None, "time needs a start or an end year")
            if start is not None and end is not None and start > end:
                raise tf.error("end", f"end {end} is before start {start}")
            time = TimeRecord(start, end, tf.get("text", required=False))
        evidence_items = f.get("evidence", list)
        if not evidence_items:
            raise f.error("evidence", "at least one piece of evidence is required")
        evidence = []
        for j in range(len(evidence_items)):
            ef = f.sub("evidence", j)
            ef.check_keys({"quote", "occurrence"})
            occurrence = ef.get("occurrence", int, required=False)
            if occurrence is not None and occurrence < 1:
                raise ef.error("occurrence", "must be 1 or more")
            evidence.append(EvidenceRecord(ef.get("quote"), occurrence, Origin(path, ef.line)))
        claims.append(ClaimRecord(claim_id, doc_id, subject, f.get("relation"), obj, modality, hedge,
                                  polarity, list(support), time, evidence, f.get("note", required=False),
                                  Origin(path, f.line), f))
    _each(errors, len(data["claims"]), one)
    return claims
