"""Draft the claims a document makes, for a curator to accept or reject.

An extractor turns a document into proposals (subject, relation, object, the character span of its
evidence, hedge, polarity, time, confidence, the cue that fired). Any extractor fits behind the
`Extractor` protocol, a rule-based one here, a language model behind an HTTP API later: whatever
it proposes, `verify` checks every quote with the build's own anchoring step (graph/anchor.py),
so a quote that is not in the text, or lies in a junk range, is dropped and no extractor can
invent evidence. The proposals are written to proposed/<document id>.yaml in the curated claim
format plus a top-level `actors:` list (new actors the claims need) and, per claim, `confidence`
and `cue`. The build never reads proposed/.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

from .. import anchor as anchoring
from ..clean import Segment, SourceText, line_offsets
from ..curation import ActorRecord, CurationError, DocumentRecord, JunkRange, Origin, load_claims
from . import cues as C
from . import yamlio
from .gazetteer import Actor, Gazetteer, Mention, find_new

SYMMETRIC = {"alliedWith", "cooperatesWith", "tradesWith", "hostileTo", "atWarWith", "sharesIdentityWith"}
AGENT_CLASSES = {"State", "Government", "NonStateArmedGroup", "Militia", "PoliticalMovement", "PoliticalParty",
                 "SecurityForce", "Coalition", "InformalNetwork", "InternationalOrganization", "Person"}
# What each relation may connect (subject classes, object classes); None = any agent.
PLACE_LIKE = {"Place", "State"}
EVENT_LIKE = {"Event", "War", "Attack"}
RANGES: dict[str, tuple[set | None, set | None]] = {
    "headOf": ({"Person"}, AGENT_CLASSES - {"Person"}),
    "operatesIn": (AGENT_CLASSES - {"State"}, PLACE_LIKE),
    "controls": (AGENT_CLASSES, PLACE_LIKE),
    "participatedIn": (AGENT_CLASSES, EVENT_LIKE),
    "carriedOut": (AGENT_CLASSES, EVENT_LIKE),
    "memberOf": (AGENT_CLASSES, {"Coalition", "InformalNetwork", "InternationalOrganization"}),
    "hasMember": ({"Coalition", "InformalNetwork", "InternationalOrganization"}, AGENT_CLASSES),
    "subOrganizationOf": (AGENT_CLASSES - {"Person", "State"}, AGENT_CLASSES - {"Person"}),
    "supportedFoundingOf": (AGENT_CLASSES, AGENT_CLASSES - {"Person", "State"}),
}
MIN_CONFIDENCE = 0.5
CLAUSE_BREAK = re.compile(r";|:\s|\s[—–]\s|,\s(?:and|but|while|whereas|although|though|yet)\s|\.\s")
SENTENCE_END = re.compile(r"(?<!\bU\.S)(?<!\bGen)(?<!\bMr)(?<!\bDr)(?<!\bSt)[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


@dataclass
class Proposal:
    subject: str
    relation: str
    object: str | int
    start: int                 # evidence span, code points of the document
    end: int
    cue: str
    confidence: float
    modality: str = "asserted"
    hedge: str | None = None
    polarity: str = "affirmed"
    time: dict | None = None
    support: list[str] = field(default_factory=list)


@dataclass
class Document:
    id: str
    text: str
    junk: tuple[Segment, ...]

    def article_spans(self) -> list[tuple[int, int]]:
        """The non-junk lines, as (start, end) offsets without the line break."""
        starts = line_offsets(self.text)
        spans = []
        for i, s in enumerate(starts):
            e = (starts[i + 1] - 1) if i + 1 < len(starts) else len(self.text)
            if self.text[s:e].strip() and not any(s < j.end and j.start < e for j in self.junk):
                spans.append((s, e))
        return spans


class Extractor(Protocol):
    """Anything that drafts claims: given a document and the actors it may use, proposals + new actors."""

    name: str

    def extract(self, document: Document, gazetteer: Gazetteer) -> tuple[list[Proposal], dict[str, Actor]]: ...


# --- the rule-based extractor ------------------------------------------------------------------

def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, at = [], start
    for m in SENTENCE_END.finditer(text, start, end):
        out.append((at, m.start() + 1))
        at = m.end()
    if at < end:
        out.append((at, end))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, at = [], start
    for m in CLAUSE_BREAK.finditer(text, start, end):
        out.append((at, m.start()))
        at = m.start() + (1 if m.group(0).startswith((";", ":", ".")) else 2)
    out.append((at, end))
    return [(a, b) for a, b in out if b > a]


def time_of(text: str, start: int, end: int) -> dict | None:
    """The years a clause states: an interval, a start, an end, a decade or a single year."""
    chunk = text[start:end]
    for kind, pattern in C.TIMES:
        m = pattern.search(chunk)
        if not m:
            continue
        first = int(m.group(1))
        if kind == "interval":
            last = m.group(2)
            last = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
            return {"start": first, "end": last, "text": m.group(0).strip()}
        if kind == "start":
            return {"start": first, "text": m.group(0).strip()}
        if kind == "end":
            return {"end": first, "text": m.group(0).strip()}
        decade = C.DECADE.search(chunk)
        if decade and decade.start() < m.start():
            break
        return {"start": first, "end": first, "text": m.group(0).strip()}
    decade = C.DECADE.search(chunk)
    if decade:
        year = int(decade.group(1))
        return {"start": year, "end": year + 9, "text": decade.group(0).strip()}
    return None


class RuleExtractor:
    """Cue words per ontology property between actors the gazetteer finds in the same clause."""

    name = "rules"

    def extract(self, document: Document, gazetteer: Gazetteer) -> tuple[list[Proposal], dict[str, Actor]]:
        text = document.text
        spans = document.article_spans()
        known = [m for m in gazetteer.find(text) if any(a <= m.start and m.end <= b for a, b in spans)]
        new_mentions, new_actors = find_new(text, known, gazetteer, spans)
        mentions = sorted(known + new_mentions, key=lambda m: m.start)
        classes = {aid: a.cls for aid, a in gazetteer.actors.items()}
        classes.update({aid: a.cls for aid, a in new_actors.items()})
        proposals: dict[tuple, Proposal] = {}
        for a, b in spans:
            for s_start, s_end in sentences(text, a, b):
                for c_start, c_end in clauses(text, s_start, s_end):
                    ms = [m for m in mentions if c_start <= m.start and m.end <= c_end]
                    for p in self._clause(text, c_start, c_end, s_start, s_end, ms, classes):
                        key = (p.subject, p.relation, p.object, p.polarity, s_start)
                        if key not in proposals or proposals[key].confidence < p.confidence:
                            proposals[key] = p
        used = {p.subject for p in proposals.values()} | {p.object for p in proposals.values()}
        return list(proposals.values()), {k: v for k, v in new_actors.items() if k in used}

    def _clause(self, text, c_start, c_end, s_start, s_end, ms: list[Mention], classes) -> Iterable[Proposal]:
        if not ms:
            return
        taken: list[tuple[int, int]] = []
        for cue in C.CUES:
            for m in cue.pattern.finditer(text, c_start, c_end):
                if any(m.start() < t1 and t0 < m.end() for t0, t1 in taken):
                    continue
                if any(x.start <= m.start() < x.end for x in ms):
                    continue          # the cue word is part of a name ("Popular Mobilization Forces")
                pairs = list(self._pairs(text, cue, m, ms, c_start, c_end))
                if not pairs:
                    continue
                taken.append((m.start(), m.end()))
                for subj, obj, conf in pairs:
                    p = self._proposal(text, cue, m, subj, obj, conf, c_start, c_end, classes)
                    if p is not None:
                        yield p

    def _pairs(self, text, cue: C.Cue, m: re.Match, ms: list[Mention], c_start, c_end):
        left = [x for x in ms if x.end <= m.start()]
        right = [x for x in ms if x.start >= m.end()]
        gap = lambda a, b: len(text[a:b].split())           # words between two offsets
        if cue.placement == "passive":
            # "Iranian-backed militias": the word glued before the cue supports what follows.
            glued = [x for x in left if x.end == m.start()]
            if glued and right and gap(m.end(), right[0].start) <= 2:
                yield glued[0], right[0], cue.weight
            return
        if cue.placement == "head":
            before = text[max(c_start, m.start() - 40):m.start()]
            nxt = [x for x in right if gap(m.end(), x.start) <= 1]
            if nxt:
                person = nxt[0]
                # "Syria under President X", "Iran's foreign minister, X", "its leader X"
                owners = [x for x in left if x.actor != person.actor and gap(x.end, m.start()) <= 4]
                if owners:
                    yield person, owners[-1], cue.weight
                return
            # "X, who ruled Sudan", "led by X"
            if re.search(r"\bby\s*$", text[m.end():m.end() + 4]) or text[m.end():m.end() + 4].startswith(" by"):
                after = [x for x in right if gap(m.end(), x.start) <= 2]
                if after and left:
                    yield after[0], left[-1], cue.weight
                return
            if left and right and gap(left[-1].end, m.start()) <= 3 and gap(m.end(), right[0].start) <= 3:
                yield left[-1], right[0], cue.weight * 0.9
            return
        if cue.placement == "noun":
            # "X, Iran's closest partner" / "X became Tehran's most capable proxy" / "proxies of Iran"
            owner = [x for x in left if x.possessive and gap(x.end, m.start()) <= 3]
            if owner:
                holders = [x for x in left if x.end <= owner[-1].start and x.actor != owner[-1].actor]
                if holders and gap(holders[-1].end, owner[-1].start) <= 6:
                    yield holders[-1], owner[-1], cue.weight
                holders_after = [x for x in right if gap(m.end(), x.start) <= 3]
                for h in self._coordinated(text, holders_after):
                    yield h, owner[-1], cue.weight * 0.9
                return
            of = re.match(r"\s+(?:of|for)\s+", text[m.end():m.end() + 6])
            if of and right and left:
                yield left[-1], right[0], cue.weight * 0.9
            return
        if cue.placement == "sym":
            between = re.search(r"\b(?:between|of)\s*$", text[max(c_start, m.start() - 1):m.end() + 12][:0] or "")
            after = text[m.end():c_end]
            bm = re.match(r"\s+(?:\w+\s+){0,2}(?:between|with)\s+", after)
            if bm and len(right) >= 1:
                first = right[0]
                rest = [x for x in right[1:] if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", text[first.end:x.start].replace("'s", ""))]
                if re.match(r"\s+(?:\w+\s+){0,2}between", after) and rest:
                    yield first, rest[0], cue.weight
                    return
                if left and gap(left[-1].end, m.start()) <= 8:
                    for o in self._coordinated(text, right):
                        yield left[-1], o, cue.weight
                    return
            # "Iran and Iraq are allies", "Syria and Iraq were ruled by hostile wings"
            if len(left) >= 2:
                a, b = left[-2], left[-1]
                if re.fullmatch(r"\s*(?:and|,)\s*", text[a.end:b.start].replace("'s", "").replace("’s", "")) and a.actor != b.actor:
                    yield a, b, cue.weight
                    return
            if left and right and gap(left[-1].end, m.start()) <= 8 and gap(m.end(), right[0].start) <= 6:
                for o in self._coordinated(text, right):
                    yield left[-1], o, cue.weight * 0.9
            return
        # svo
        if not right:
            return
        by = re.match(r"\s+by\s+", text[m.end():m.end() + 5])
        if by and left:
            yield right[0], left[-1], cue.weight
            return
        if not left:
            return
        subj = left[-1]
        # "Syria under President Hafez al-Assad sided with": skip a person named as the state's ruler.
        for x in reversed(left):
            if not re.search(r"\bunder\s+(?:President\s+|\w+\s+)?$", text[max(c_start, x.start - 25):x.start]):
                subj = x
                break
        if gap(subj.end, m.start()) > 12 or gap(m.end(), right[0].start) > 8:
            return
        for o in self._coordinated(text, right):
            if o.actor != subj.actor:
                yield subj, o, cue.weight

    @staticmethod
    def _coordinated(text: str, right: list[Mention]) -> list[Mention]:
        """The first mention and those joined to it by commas and 'and' ("Hezbollah, Hamas and the Houthis")."""
        if not right:
            return []
        out = [right[0]]
        for x in right[1:]:
            between = text[out[-1].end:x.start]
            if re.fullmatch(r"(?:'s|’s)?\s*(?:,|,?\s*and|,?\s*or|,\s*and the|\s*and the)?\s*(?:the\s+)?", between):
                out.append(x)
            else:
                break
        return out

    def _proposal(self, text, cue: C.Cue, m: re.Match, subj: Mention, obj: Mention, conf: float,
                  c_start: int, c_end: int, classes) -> Proposal | None:
        if subj.actor == obj.actor:
            return None
        relation = cue.relation
        s_cls, o_cls = classes.get(subj.actor), classes.get(obj.actor)
        if relation == "proxyOf" and s_cls == "State":
            return None
        allowed = RANGES.get(relation)
        if allowed:
            subj_ok = allowed[0] is None or s_cls in allowed[0]
            obj_ok = allowed[1] is None or o_cls in allowed[1]
            if not (subj_ok and obj_ok):
                if relation == "memberOf" and s_cls in {"Coalition", "InformalNetwork"} and o_cls in AGENT_CLASSES:
                    subj, obj, relation = obj, subj, "memberOf"
                elif relation == "hasMember" and o_cls in {"Coalition", "InformalNetwork"}:
                    subj, obj, relation = obj, subj, "memberOf"
                else:
                    return None
        elif s_cls not in AGENT_CLASSES or o_cls not in AGENT_CLASSES:
            if o_cls in PLACE_LIKE - {"State"} and s_cls in AGENT_CLASSES:
                relation, conf = "operatesIn", conf * 0.8
            else:
                return None
        start = min(subj.start, obj.start, m.start())
        end = max(subj.end, obj.end, m.end())
        span_text = text[start:end]
        # Hedges and denials count when they sit in the clause up to the end of the claim's span.
        scope_start = max(c_start, start - 60)
        hedge = C.HEDGES.search(text, scope_start, end)
        negation = C.NEGATIONS.search(text, max(c_start, start - 20), end)
        p = Proposal(subj.actor, relation, obj.actor, start, end, m.group(0), round(conf, 2))
        if hedge:
            p.modality, p.hedge = "hedged", hedge.group(0)
            p.start = min(p.start, hedge.start())
            p.end = max(p.end, hedge.end())
        if negation:
            p.polarity = "negated"
            p.start = min(p.start, negation.start())
            p.end = max(p.end, negation.end())
        p.time = time_of(text, c_start, c_end)
        if relation == "supports":
            kinds = {"financ": "financial", "fund": "financial", "money": "financial", "credit": "financial",
                     "weapon": "military", "arms": "military", "military": "military", "troops": "military",
                     "advisers": "military", "train": "training", "diplomatic": "diplomatic",
                     "political": "political", "econom": "economic", "oil": "economic"}
            clause = text[c_start:c_end].lower()
            p.support = sorted({v for k, v in kinds.items() if k in clause})
        # Known actors on both sides are more trustworthy than a guessed new name.
        if subj.form == "new" or obj.form == "new":
            p.confidence = round(p.confidence * 0.9, 2)
        if len(span_text) > 200:
            p.confidence = round(p.confidence * 0.8, 2)
        return p


# --- checking and writing ----------------------------------------------------------------------

def source_for(doc_id: str, text: str, junk: Iterable[JunkRange], path: Path) -> SourceText:
    starts = line_offsets(text)
    segments = []
    for j in junk:
        start = starts[j.first_line - 1]
        end = starts[j.last_line] - 1 if j.last_line < len(starts) else len(text)
        segments.append(Segment(start, end, j.kind))
    record = DocumentRecord(doc_id, path.name, "", "", "en", list(junk), Origin(path, 1))
    return SourceText(record, path, text, "", tuple(segments))


def claim_entries(doc_id: str, text: str, proposals: list[Proposal]) -> list[dict]:
    entries, ids = [], set()
    for p in sorted(proposals, key=lambda p: (p.start, p.subject, p.relation)):
        base = f"{p.subject}-{p.relation}-{p.object}".lower().replace("_", "-")
        base = re.sub(r"[^a-z0-9-]+", "-", base).strip("-")
        if p.polarity == "negated":
            base = f"{base}-not"
        cid, n = base, 2
        while cid in ids:
            cid, n = f"{base}-{n}", n + 1
        ids.add(cid)
        quote = text[p.start:p.end]
        found = anchoring.occurrences(text, quote)
        evidence = {"quote": quote}
        if len(found) > 1:
            evidence["occurrence"] = found.index(p.start) + 1
        entry = {"id": cid, "subject": p.subject, "relation": p.relation, "object": p.object}
        if p.modality == "hedged":
            entry.update(modality="hedged", hedge=p.hedge)
        if p.polarity == "negated":
            entry["polarity"] = "negated"
        if p.support:
            entry["support"] = p.support
        if p.time:
            entry["time"] = p.time
        entry["evidence"] = [evidence]
        entry["confidence"] = p.confidence
        entry["cue"] = p.cue
        entries.append(entry)
    return entries


def verify(doc_id: str, source: SourceText, entries: list[dict], actors: dict[str, ActorRecord]) -> tuple[list[dict], list[str]]:
    """Keep the claims whose every quote the build's anchoring step accepts; say why others go."""
    kept, dropped = [], []
    documents = {doc_id: source.record}
    with tempfile.TemporaryDirectory() as tmp:
        for entry in entries:
            plain = {k: v for k, v in entry.items() if k not in ("confidence", "cue")}
            path = Path(tmp) / f"{doc_id}.yaml"
            path.write_text(yamlio.dumps({"document": doc_id, "claims": [plain]}), encoding="utf-8")
            try:
                (claim,) = load_claims(path, documents, actors)
                anchoring.anchor_claim(source, claim)
            except CurationError as e:
                dropped.append(f"{entry['id']}: {e.message}")
                continue
            kept.append(entry)
    return kept, dropped


def propose(document: Document, gazetteer: Gazetteer, extractors: Iterable[Extractor] = (RuleExtractor(),),
            min_confidence: float = MIN_CONFIDENCE, source: SourceText | None = None,
            curated: set[str] | None = None) -> dict:
    """Everything the extractors propose for one document, anchored, as the proposal file's content.

    `curated` names the actors actors.yaml already has; every other actor a kept claim uses (a new
    name, or a state the generic lexicon knows) is proposed in `actors:`."""
    proposals: list[Proposal] = []
    new_actors: dict[str, Actor] = {}
    for extractor in extractors:
        found, actors = extractor.extract(document, gazetteer)
        proposals.extend(p for p in found if p.confidence >= min_confidence)
        for aid, actor in actors.items():
            new_actors.setdefault(aid, actor)
    entries = claim_entries(document.id, document.text, proposals)
    everyone = {**gazetteer.actors, **new_actors}
    records = {aid: ActorRecord(aid, a.cls, a.label, list(a.alt_labels), None, None, None, Origin(Path("."), 1))
               for aid, a in everyone.items()}
    if source is None:
        junk = [JunkRange(*_lines_of(document.text, s), s.kind) for s in document.junk]
        source = source_for(document.id, document.text, junk, Path(f"{document.id}.txt"))
    kept, dropped = verify(document.id, source, entries, records)
    used = sorted({e["subject"] for e in kept} | {e["object"] for e in kept if isinstance(e["object"], str)})
    curated = set(gazetteer.actors) - {a for a in gazetteer.actors if not gazetteer.actors[a].known} \
        if curated is None else curated
    return {"document": document.id,
            "actors": [everyone[a].as_yaml() for a in used if a in everyone and a not in curated],
            "claims": kept, "dropped": dropped}


def _lines_of(text: str, segment: Segment) -> tuple[int, int]:
    return text.count("\n", 0, segment.start) + 1, text.count("\n", 0, max(segment.start, segment.end - 1)) + 1


def proposal_yaml(result: dict) -> str:
    """The proposal file: a comment header, the actors to add, the claims."""
    data = yamlio.CommentedMap()
    data["document"] = result["document"]
    data["actors"] = [_flow_lists(a) for a in result["actors"]]
    data["claims"] = [_flow_lists(c) for c in result["claims"]]
    data.yaml_set_start_comment(
        f"Proposed claims for document {result['document']}: drafts for review, never published.\n"
        "Accept with `alliance-kg accept`, drop with `alliance-kg reject`. `confidence` and `cue` say\n"
        "how sure the proposer was and which words made it propose the claim.")
    return yamlio.dumps(data)


def _flow_lists(entry: dict) -> yamlio.CommentedMap:
    out = yamlio.CommentedMap()
    for k, v in entry.items():
        if k == "time":
            out[k] = yamlio.flow_map(**v)
        elif k in ("support", "altLabels"):
            out[k] = yamlio.flow_seq(v)
        elif k == "evidence":
            out[k] = [yamlio.CommentedMap(e) for e in v]
        else:
            out[k] = v
    return out
