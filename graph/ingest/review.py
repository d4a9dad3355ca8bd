"""Accept or reject proposed claims: the curator's decision, written into the curated files.

`accept` moves claims from proposed/<document>.yaml into claims/<document>.yaml (dropping the
proposer's `confidence` and `cue`) and adds the actors they need to actors.yaml; `reject` drops
claims from the proposal. Every file is rewritten atomically with a round-trip YAML library, so
comments and layout survive and a crash never leaves a half-written file. A caller that showed the
files to someone (the review page) passes the fingerprints it saw: if any file changed on disk
since, nothing is written.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from alliance_kg.graph.ingest import yamlio

PROPOSER_KEYS = ("confidence", "cue")
# The key of a proposed actor that carries its Wikidata candidates: for the reviewer only, never
# copied into actors.yaml (a QID is published only after a person checked it and copied its block).
WIKIDATA_CANDIDATES = "wikidataCandidates"


class ReviewError(Exception):
    """A decision that cannot be carried out; the message says why."""


class StaleError(ReviewError):
    """A file changed on disk after it was read for review."""


@dataclass
class Paths:
    data_dir: Path
    proposed_dir: Path

    @property
    def actors(self) -> Path:
        return self.data_dir / "actors.yaml"

    def claims(self, doc_id: str) -> Path:
        return self.data_dir / "claims" / f"{doc_id}.yaml"

    def proposal(self, doc_id: str) -> Path:
        return self.proposed_dir / f"{doc_id}.yaml"

    def involved(self, doc_id: str) -> list[Path]:
        return [self.proposal(doc_id), self.claims(doc_id), self.actors]


@dataclass
class Outcome:
    accepted: list[str] = field(default_factory=list)     # claim ids as written in claims/
    rejected: list[str] = field(default_factory=list)
    actors_added: list[str] = field(default_factory=list)
    remaining: int = 0


def fingerprint(paths: list[Path]) -> dict[str, str]:
    """SHA-256 of each file's bytes ("" for a missing file)."""
    out = {}
    for p in paths:
        try:
            out[str(p)] = hashlib.sha256(Path(p).read_bytes()).hexdigest()
        except FileNotFoundError:
            out[str(p)] = ""
    return out


def _check_fresh(paths: list[Path], expected: dict[str, str] | None) -> None:
    if expected is None:
        return
    now = fingerprint(paths)
    changed = [p for p in now if p in expected and now[p] != expected[p]]
    if changed:
        raise StaleError("changed on disk since the page was loaded: " + ", ".join(changed)
                         + "; reload the page and decide again")


def load_proposal(paths: Paths, doc_id: str):
    path = paths.proposal(doc_id)
    if not path.exists():
        raise ReviewError(f"no proposals for document {doc_id!r} ({path} does not exist; run `alliance-kg propose {doc_id}`)")
    data = yamlio.load(path)
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ReviewError(f"{path}: expected a top-level 'claims:' list")
    return data


def _select(data, claim_ids: list[str] | None, take_all: bool, path: Path) -> list:
    claims = data["claims"]
    if take_all:
        return list(claims)
    if not claim_ids:
        raise ReviewError("name the claims (--claim ID, repeatable) or pass --all")
    by_id = {str(c.get("id")): c for c in claims}
    unknown = [c for c in claim_ids if c not in by_id]
    if unknown:
        raise ReviewError(f"{path}: no proposed claim {', '.join(map(repr, unknown))} "
                          f"(proposed: {', '.join(by_id) or 'none'})")
    return [by_id[c] for c in claim_ids]


def _prune_and_save(paths: Paths, doc_id: str, data, known_actor_ids: set[str]) -> int:
    """Drop proposal actors nobody needs any more; delete the file when no claim is left."""
    path = paths.proposal(doc_id)
    if not data["claims"]:
        path.unlink()
        return 0
    needed = {str(c.get("subject")) for c in data["claims"]} | {str(c.get("object")) for c in data["claims"]}
    if isinstance(data.get("actors"), list):
        keep = [a for a in data["actors"] if str(a.get("id")) in needed and str(a.get("id")) not in known_actor_ids]
        data["actors"][:] = keep
    yamlio.dump_atomic(path, data)
    return len(data["claims"])


def accept(paths: Paths, doc_id: str, claim_ids: list[str] | None = None, take_all: bool = False,
           expected: dict[str, str] | None = None) -> Outcome:
    _check_fresh(paths.involved(doc_id), expected)
    data = load_proposal(paths, doc_id)
    chosen = _select(data, claim_ids, take_all, paths.proposal(doc_id))
    actors_doc = yamlio.load(paths.actors)
    actor_list = actors_doc["actors"]
    known = {str(a.get("id")) for a in actor_list}
    proposed_actors = {str(a.get("id")): a for a in (data.get("actors") or [])}
    outcome = Outcome()
    for claim in chosen:
        for side in ("subject", "object"):
            aid = claim.get(side)
            if not isinstance(aid, str) or aid in known:
                continue
            if aid in proposed_actors:
                actor_list.append(CommentedMap((k, v) for k, v in proposed_actors[aid].items()
                                               if k != WIKIDATA_CANDIDATES))
                known.add(aid)
                outcome.actors_added.append(aid)
            elif side == "subject":
                raise ReviewError(f"claim {claim.get('id')!r}: actor {aid!r} is neither in actors.yaml nor proposed")

    claims_path = paths.claims(doc_id)
    if claims_path.exists():
        curated = yamlio.load(claims_path)
        if not isinstance(curated.get("claims"), list):
            curated["claims"] = CommentedSeq()
    else:
        curated = CommentedMap()
        curated["document"] = doc_id
        curated["claims"] = CommentedSeq()
        curated.yaml_set_start_comment(f"Claims made by document {doc_id}. Format: graph/data/README.md.")
    taken = {str(c.get("id")) for c in curated["claims"]}
    for claim in chosen:
        entry = CommentedMap((k, v) for k, v in claim.items() if k not in PROPOSER_KEYS)
        base, n = str(entry["id"]), 2
        while entry["id"] in taken:
            entry["id"], n = f"{base}-{n}", n + 1
        taken.add(entry["id"])
        curated["claims"].append(entry)
        outcome.accepted.append(entry["id"])
    chosen_ids = {id(c) for c in chosen}
    data["claims"][:] = [c for c in data["claims"] if id(c) not in chosen_ids]

    # Actors first, then the claims that name them, then the proposal they came from: a crash
    # between two writes leaves curated files that still load.
    if outcome.actors_added:
        yamlio.dump_atomic(paths.actors, actors_doc)
    claims_path.parent.mkdir(parents=True, exist_ok=True)
    yamlio.dump_atomic(claims_path, curated)
    outcome.remaining = _prune_and_save(paths, doc_id, data, known)
    return outcome


def reject(paths: Paths, doc_id: str, claim_ids: list[str] | None = None, take_all: bool = False,
           expected: dict[str, str] | None = None) -> Outcome:
    _check_fresh(paths.involved(doc_id), expected)
    data = load_proposal(paths, doc_id)
    chosen = _select(data, claim_ids, take_all, paths.proposal(doc_id))
    chosen_ids = {id(c) for c in chosen}
    data["claims"][:] = [c for c in data["claims"] if id(c) not in chosen_ids]
    known = {str(a.get("id")) for a in yamlio.load(paths.actors)["actors"]}
    outcome = Outcome(rejected=[str(c.get("id")) for c in chosen])
    outcome.remaining = _prune_and_save(paths, doc_id, data, known)
    return outcome


def relation_names() -> set[str]:
    """The relations a claim may name, as the curated files write them."""
    from alliance_kg.graph.vocabulary import relations

    return set(relations()) | {"numberOfFighters", "leads", "org:subOrganizationOf"}


def _check_edit(paths: Paths, data, changes: dict) -> None:
    """Refuse an edit the build would refuse: an unknown relation or actor, a bad polarity or time."""
    relation = changes.get("relation")
    if relation:
        names = relation_names()
        if relation not in names:
            raise ReviewError(f"{relation!r} is not a relation of the ontology (one of {', '.join(sorted(names))})")
    actors = {str(a.get("id")) for a in yamlio.load(paths.actors)["actors"]} | \
        {str(a.get("id")) for a in (data.get("actors") or [])}
    if changes.get("subject") and changes["subject"] not in actors:
        raise ReviewError(f"unknown actor {changes['subject']!r} (not in actors.yaml nor proposed)")
    literal = (relation or "") == "numberOfFighters"
    if changes.get("object") and not literal and changes["object"] not in actors:
        raise ReviewError(f"unknown actor {changes['object']!r} (not in actors.yaml nor proposed)")
    if changes.get("polarity") not in (None, "", "affirmed", "negated"):
        raise ReviewError("polarity must be affirmed or negated")
    time = changes.get("time")
    if time:
        start, end = time.get("start"), time.get("end")
        if start is not None and end is not None and start > end:
            raise ReviewError(f"time: end {end} is before start {start}")


def edit(paths: Paths, doc_id: str, claim_id: str, changes: dict, expected: dict[str, str] | None = None) -> None:
    """Change fields of one proposed claim (subject, relation, object, hedge, polarity, time)."""
    allowed = {"subject", "relation", "object", "modality", "hedge", "polarity", "time"}
    bad = set(changes) - allowed
    if bad:
        raise ReviewError(f"cannot edit {', '.join(sorted(bad))} (editable: {', '.join(sorted(allowed))})")
    _check_fresh(paths.involved(doc_id), expected)
    data = load_proposal(paths, doc_id)
    (claim,) = _select(data, [claim_id], False, paths.proposal(doc_id))
    _check_edit(paths, data, changes)
    for key, value in changes.items():
        if value in (None, ""):
            claim.pop(key, None)
        elif key == "time":
            claim[key] = yamlio.flow_map(**value)
        else:
            claim[key] = value
    if claim.get("hedge"):
        claim["modality"] = "hedged"
    elif claim.get("modality") == "hedged":
        claim.pop("modality")
    yamlio.dump_atomic(paths.proposal(doc_id), data)
