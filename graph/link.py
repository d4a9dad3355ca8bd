"""`alliance-kg link`: Wikidata candidates for actors that have no QID, written as proposals for review.

For each actor it asks Wikidata's API for items named like the actor (`wbsearchentities`, once per
label and alternative label), then for the candidates' labels, aliases, descriptions and P31
"instance of" statements (`wbgetentities`), and for the English labels of those classes. The
candidates go to <corpus>/proposed/wikidata-links.yaml and the API's answers to
<corpus>/proposed/wikidata/<actor>.json, which is the evidence a reviewer cites when copying a QID
into actors.yaml. Nothing here writes actors.yaml: a QID is published only after a person checked it.

Every answer is kept in a cache file (by default <corpus>/proposed/wikidata-cache.json, keyed by
the request), so a second run, or a run with --offline, needs no network. A run that needs the
network and cannot reach it stops with one line naming the API and the reason.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import httpx
import yaml

from alliance_kg.graph.curation import ActorRecord

DEFAULT_API = "https://www.wikidata.org/w/api.php"
API_ENVIRONMENT = "ALLIANCE_KG_WIKIDATA_API"
PROPOSALS_FILE = "wikidata-links.yaml"
EVIDENCE_DIR = "wikidata"
CACHE_FILE = "wikidata-cache.json"
SEARCH_LIMIT = 5            # candidates kept per searched name; the first few are the plausible ones
ENTITIES_PER_REQUEST = 50   # wbgetentities' limit for ordinary clients
# Wikimedia's API etiquette asks every client to say who it is.
USER_AGENT = "alliance-kg-link/1.0 (https://w3id.org/alliance-kg; Wikidata linking for review)"

# A coarse, direct-P31 plausibility check, only where the expected classes are unambiguous:
# country (Q6256) and sovereign state (Q3624078) for states, human (Q5) for persons. Every other
# class is left to the reviewer (class_fit: null), since Wikidata types organisations and places
# through long subclass chains that one item's P31 does not show.
EXPECTED_CLASSES = {"State": {"Q6256", "Q3624078"}, "Person": {"Q5"}}


class LinkError(Exception):
    """A failure the command reports in one line (exit 1)."""


class WikidataUnreachable(LinkError):
    def __init__(self, message: str, short: str):
        super().__init__(message)
        self.short = short      # the failure alone, without the advice for `link`


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ApiCache:
    """Answers of the API by request, in one JSON file (written whole, atomically, after each run)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.entries: dict[str, Any] = {}
        if self.path.is_file():
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError as e:
                raise LinkError(f"{self.path}: not a cache file of `alliance-kg link` ({e})") from None
            if not isinstance(self.entries, dict):
                raise LinkError(f"{self.path}: not a cache file of `alliance-kg link` (expected an object)")
        self.changed = False

    @staticmethod
    def key(params: dict[str, str]) -> str:
        # The API's base URL is not part of the key: a stand-in serving recorded answers and the real
        # API answer the same request the same way, and a cache filled online must work offline.
        return "&".join(f"{k}={params[k]}" for k in sorted(params))

    def get(self, params: dict[str, str]) -> Any:
        return self.entries.get(self.key(params))

    def put(self, params: dict[str, str], response: Any) -> None:
        self.entries[self.key(params)] = response
        self.changed = True

    def save(self) -> None:
        if self.changed:
            _atomic_write(self.path, json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
            self.changed = False


class WikidataApi:
    """The two read actions of the MediaWiki Action API the command needs, through the cache."""

    def __init__(self, cache: ApiCache, base_url: str = DEFAULT_API, offline: bool = False,
                 timeout: float = 20.0, language: str = "en"):
        self.cache = cache
        self.base_url = base_url
        self.offline = offline
        self.language = language
        self.client = None if offline else httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT},
                                                        follow_redirects=True)
        self.log: list[dict[str, Any]] = []     # every request of the current actor and its answer

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def go_offline(self) -> None:
        """Answer from the cache only from now on (after the network failed once: no point retrying)."""
        self.close()
        self.client = None
        self.offline = True

    def request(self, params: dict[str, str]) -> Any:
        params = {**params, "format": "json"}
        answer = self.cache.get(params)
        if answer is None:
            answer = _only_p31(self._fetch(params))
            self.cache.put(params, answer)
        self.log.append({"params": params, "response": answer})
        return answer

    def _fetch(self, params: dict[str, str]) -> Any:
        if self.client is None:
            raise LinkError(f"offline, and the cache {self.cache.path} has no answer to "
                            f"{self.cache.key(params)}: run once with the network to fill it")
        try:
            response = self.client.get(self.base_url, params=params)
        except httpx.TransportError as e:
            short = f"Wikidata's API at {self.base_url} is unreachable ({type(e).__name__}: {str(e) or 'no answer'})"
            raise WikidataUnreachable(f"{short}; run again when online, or with --offline over a filled cache",
                                      short) from None
        if response.status_code != 200:
            raise LinkError(f"Wikidata's API at {self.base_url} answered HTTP {response.status_code} "
                            f"to {self.cache.key(params)}")
        try:
            answer = response.json()
        except ValueError:
            raise LinkError(f"Wikidata's API at {self.base_url} did not answer JSON "
                            f"(Content-Type {response.headers.get('content-type')!r})") from None
        if isinstance(answer, dict) and "error" in answer:
            error = answer["error"] if isinstance(answer["error"], dict) else {}
            raise LinkError(f"Wikidata's API refused {self.cache.key(params)}: "
                            f"{error.get('code', '?')}: {error.get('info', answer['error'])}")
        return answer

    def search(self, text: str) -> list[dict[str, Any]]:
        answer = self.request({"action": "wbsearchentities", "search": text, "language": self.language,
                               "uselang": self.language, "type": "item", "limit": str(SEARCH_LIMIT)})
        return list(answer.get("search", [])) if isinstance(answer, dict) else []

    def entities(self, ids: Iterable[str], props: str) -> dict[str, Any]:
        ids = list(dict.fromkeys(ids))
        found: dict[str, Any] = {}
        for start in range(0, len(ids), ENTITIES_PER_REQUEST):
            chunk = ids[start:start + ENTITIES_PER_REQUEST]
            answer = self.request({"action": "wbgetentities", "ids": "|".join(chunk), "props": props,
                                   "languages": self.language})
            found.update(answer.get("entities", {}) if isinstance(answer, dict) else {})
        return found


def _only_p31(answer: Any) -> Any:
    """A wbgetentities answer with P31 as the only statements kept.

    A country's item carries megabytes of statements; the proposal needs its classes only, and the
    cache and the saved evidence would otherwise grow with every state looked up.
    """
    if isinstance(answer, dict) and isinstance(answer.get("entities"), dict):
        for entity in answer["entities"].values():
            if isinstance(entity, dict) and isinstance(entity.get("claims"), dict):
                entity["claims"] = {k: v for k, v in entity["claims"].items() if k == "P31"}
    return answer


# -- reading an entity of wbgetentities ---------------------------------------------------------
def _text(entity: dict, key: str, language: str) -> str | None:
    value = (entity.get(key) or {}).get(language)
    return value.get("value") if isinstance(value, dict) else None


def _aliases(entity: dict, language: str) -> list[str]:
    return [a["value"] for a in (entity.get("aliases") or {}).get(language, []) if isinstance(a, dict)]


def _instance_of(entity: dict) -> list[str]:
    out = []
    for statement in (entity.get("claims") or {}).get("P31", []):
        value = ((statement.get("mainsnak") or {}).get("datavalue") or {}).get("value")
        if statement.get("rank") != "deprecated" and isinstance(value, dict) and value.get("id"):
            out.append(value["id"])
    return out


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split())


@dataclass
class Candidate:
    qid: str
    label: str | None
    description: str | None
    aliases: list[str]
    instance_of: list[dict[str, str | None]]
    matches: list[str]          # which of the actor's names equal Wikidata's label or an alias
    class_fit: bool | None
    found_by: list[str]         # the searched names that returned it

    def as_yaml(self, actor: ActorRecord, evidence_file: str, today: str) -> dict[str, Any]:
        described = f" ({self.description})" if self.description else ""
        return {
            "id": self.qid, "label": self.label, "description": self.description, "aliases": self.aliases,
            "instance_of": self.instance_of, "matches": self.matches, "class_fit": self.class_fit,
            "found_by": self.found_by,
            # Ready to paste into actors.yaml once a person has checked the candidate.
            "wikidata": {"id": self.qid, "evidence": (
                f"Wikidata API, alliance-kg link {today}: wbsearchentities {self.found_by[0]!r} → "
                f"{self.qid} {self.label!r}{described}; answers saved in {evidence_file}")},
        }


@dataclass
class Proposal:
    actor: ActorRecord
    searched: list[str]
    candidates: list[Candidate] = field(default_factory=list)


def propose(api: WikidataApi, actor: ActorRecord) -> Proposal:
    """Search every name of the actor, then describe the candidates it found."""
    names = list(dict.fromkeys([actor.label] + actor.alt_labels))
    proposal = Proposal(actor, names)
    found_by: dict[str, list[str]] = {}
    for name in names:
        for hit in api.search(name):
            qid = hit.get("id")
            if isinstance(qid, str) and qid.startswith("Q"):
                found_by.setdefault(qid, []).append(name)
    if not found_by:
        return proposal
    entities = api.entities(found_by, "labels|aliases|descriptions|claims")
    classes = {c for e in entities.values() for c in _instance_of(e)}
    class_labels = {q: _text(e, "labels", api.language) for q, e in api.entities(sorted(classes), "labels").items()} \
        if classes else {}
    ours = {_fold(n): n for n in names}
    expected = EXPECTED_CLASSES.get(actor.cls)
    for qid, searched in found_by.items():
        entity = entities.get(qid)
        if not entity or "missing" in entity:
            continue
        label = _text(entity, "labels", api.language)
        aliases = _aliases(entity, api.language)
        theirs = {_fold(n) for n in [label or ""] + aliases}
        p31 = _instance_of(entity)
        proposal.candidates.append(Candidate(
            qid, label, _text(entity, "descriptions", api.language), aliases,
            [{"id": c, "label": class_labels.get(c)} for c in p31],
            [ours[k] for k in ours if k in theirs],
            None if expected is None else bool(expected & set(p31)),
            searched))
    # Exact name matches first, then a fitting class, then the search's own order.
    proposal.candidates.sort(key=lambda c: (not c.matches, c.class_fit is False))
    return proposal


@dataclass
class LinkResult:
    proposals: list[Proposal]
    skipped: list[str]           # actors that already have a QID
    proposals_file: Path


def run(actors: dict[str, ActorRecord], wanted: list[str], proposed_dir: Path, api: WikidataApi) -> LinkResult:
    """Propose candidates for `wanted` (default: every actor without a QID); returns what was written."""
    unknown = [a for a in wanted if a not in actors]
    if unknown:
        raise LinkError(f"unknown actor id(s): {', '.join(unknown)}")
    ids = wanted or [a for a, r in actors.items() if r.wikidata is None]
    skipped = [a for a in ids if actors[a].wikidata is not None]
    proposals_file = proposed_dir / PROPOSALS_FILE
    existing = _read_proposals(proposals_file)
    today = dt.date.today().isoformat()
    proposals = []
    try:
        for actor_id in ids:
            if actors[actor_id].wikidata is not None:
                continue
            proposal, existing[actor_id] = _link_one(api, actors[actor_id], proposed_dir, today)
            proposals.append(proposal)
    finally:
        api.cache.save()     # what was fetched before a failure is kept for the next run
        if proposals:
            _write_proposals(proposals_file, existing)
    return LinkResult(proposals, skipped, proposals_file)


def _link_one(api: WikidataApi, actor: ActorRecord, proposed_dir: Path, today: str) -> tuple[Proposal, dict[str, Any]]:
    """Candidates for one actor; its API answers saved as evidence; its entry of wikidata-links.yaml."""
    api.log = []
    proposal = propose(api, actor)
    evidence = proposed_dir / EVIDENCE_DIR / f"{actor.id}.json"
    _atomic_write(evidence, json.dumps({
        "actor": actor.id, "api": api.base_url, "retrieved": today,
        "note": "the answers of Wikidata's API to the requests below, as received (or as cached by an "
                "earlier run of alliance-kg link or propose), except that statements other than P31 are left out",
        "requests": api.log}, ensure_ascii=False, indent=1) + "\n")
    # Named from the corpus root, where actors.yaml (which will cite it) lives.
    evidence_name = evidence.relative_to(proposed_dir.parent).as_posix()
    entry = {"actor": actor.id, "label": actor.label, "class": actor.cls,
             "searched": proposal.searched, "evidence": evidence_name,
             "candidates": [c.as_yaml(actor, evidence_name, today) for c in proposal.candidates]}
    return proposal, entry


@dataclass
class NewActorLink:
    """What the link path found for an actor that a document proposal introduces."""
    status: str                  # candidates | no candidate | offline | unreachable | error
    detail: str                  # one line for the reviewer
    evidence: str | None = None  # the saved API answers, from the corpus root
    candidates: list[dict[str, Any]] = field(default_factory=list)

    def as_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "detail": self.detail}
        if self.evidence:
            out["evidence"] = self.evidence
        if self.candidates:
            out["candidates"] = self.candidates
        return out


def link_new_actors(actors: Iterable[ActorRecord], proposed_dir: Path, api: WikidataApi) -> dict[str, NewActorLink]:
    """`alliance-kg link`'s path for actors proposed from a new document; never raises.

    Each actor is searched like `link` searches a curated one, through the same cache, and its
    candidates join proposed/wikidata-links.yaml with the API's answers saved as evidence. What
    cannot be looked up (offline and not cached, the API unreachable or refusing) is reported per
    actor instead: a document's proposal never fails for want of Wikidata. After the network failed
    once the remaining actors are answered from the cache only.
    """
    proposals_file = proposed_dir / PROPOSALS_FILE
    today = dt.date.today().isoformat()
    out: dict[str, NewActorLink] = {}
    written: dict[str, Any] = {}
    try:
        for actor in actors:
            try:
                proposal, written[actor.id] = _link_one(api, actor, proposed_dir, today)
            except WikidataUnreachable as e:
                api.go_offline()
                out[actor.id] = NewActorLink("unreachable", f"{e.short}; not looked up, and the other new actors "
                                                            "only in the cache")
                continue
            except LinkError as e:
                status = "offline" if api.offline else "error"
                detail = (f"no answer for {actor.label!r} in the cache {api.cache.path}; "
                          "propose with --wikidata (or `alliance-kg link` once the actor is accepted) asks the API") \
                    if api.offline else str(e)
                out[actor.id] = NewActorLink(status, detail)
                continue
            evidence = written[actor.id]["evidence"]
            source = "the cache (offline)" if api.offline else f"Wikidata's API at {api.base_url} (through the cache)"
            if not proposal.candidates:
                out[actor.id] = NewActorLink("no candidate", f"no item found by {source}", evidence)
                continue
            out[actor.id] = NewActorLink(
                "candidates",
                f"{len(proposal.candidates)} candidate(s) from {source}; review in {PROPOSALS_FILE}, "
                "which holds each one's ready-made `wikidata:` block",
                evidence,
                [{"id": c.qid, "label": c.label, "description": c.description, "matches": c.matches,
                  "class_fit": c.class_fit} for c in proposal.candidates])
    finally:
        api.cache.save()
        if written:
            try:
                existing = _read_proposals(proposals_file)
            except LinkError as e:
                # A file a person is editing is never overwritten; the candidates stay in the proposal.
                for actor_id in written:
                    if actor_id in out:
                        out[actor_id].detail += f" (not added to {PROPOSALS_FILE}: {e})"
            else:
                existing.update(written)
                _write_proposals(proposals_file, existing)
    return out


HEADER = """\
# Wikidata candidates proposed by `alliance-kg link` for actors without a QID. Never published.
# Review each candidate (label, aliases, description, instance_of, and the saved API answers named by
# `evidence`); to accept one, copy its `wikidata:` block into the actor in actors.yaml.
# matches: the actor's names that equal Wikidata's label or an alias; class_fit: whether P31 holds a
# class expected for the actor's class (null where the command does not judge).
"""


def _read_proposals(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise LinkError(f"{path}: not valid YAML ({e}); move it away to start afresh") from None
    entries = data.get("proposals", []) if isinstance(data, dict) else []
    return {e["actor"]: e for e in entries if isinstance(e, dict) and "actor" in e}


def _write_proposals(path: Path, entries: dict[str, Any]) -> None:
    body = yaml.safe_dump({"proposals": [entries[k] for k in sorted(entries)]}, allow_unicode=True,
                          sort_keys=False, width=110)
    _atomic_write(path, HEADER + body)
