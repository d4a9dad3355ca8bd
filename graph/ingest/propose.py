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

from alliance_kg.graph import anchor as anchoring
from alliance_kg.graph.clean import Segment, SourceText, line_offsets
from alliance_kg.graph.curation import ActorRecord, CurationError, DocumentRecord, JunkRange, Origin, load_claims
from alliance_kg.graph.ingest import cues as C
from alliance_kg.graph.ingest import yamlio
from alliance_kg.graph.ingest.gazetteer import Actor, Gazetteer, Mention, find_new

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
MIN_CONFIDENCE = 0.3
LOCATIVE = re.compile(r"\b(?:(?:in|into|across|near|from|on|at|under|throughout|inside|through|toward|towards)\s+"
                      r"(?:the\s+)?(?:\w+\s+)?|to\s+(?:the\s+)?)$")
COORDINATION = re.compile(r"(?:'s|’s)?\s*(?:,|,?\s*and|,?\s*or)\s*(?:the\s+)?")
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


WAR_NAME = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?)[-–]([A-Z][a-z]+(?: [A-Z][a-z]+)?) [Ww]ar\b")
STATE_CLASSES = {"State", "Government"}
GROUP_CLASSES = {"NonStateArmedGroup", "Militia", "PoliticalMovement", "PoliticalParty", "SecurityForce"}
ANAPHORA = re.compile(r"\b[Tt]he (?:(?P<state>country|kingdom|republic)|(?:[\w'-]+ ){0,2}(?:group|movement|militia|organi[sz]ation))\b")
DUAL = re.compile(r"\b(?:the two|these two|those two|both) (?:countries|nations|states|governments|neighbou?rs|sides|capitals|allies)\b",
                  re.IGNORECASE)
# Properties the ontology takes from W3C ORG: curated files write them as CURIEs.
ORG_PROPERTIES = {"headOf": "org:headOf", "subOrganizationOf": "org:subOrganizationOf"}
QUESTION_WORDS = re.compile(r"(?:is|are|was|were|do|does|did|who|what|why|how|will|can|could|should)\b", re.IGNORECASE)


def in_quoted_question(text: str, at: int, c_start: int, c_end: int) -> bool:
    """Whether offset `at` lies inside quotation marks whose content starts like a question."""
    before = text[c_start:at]
    opened = max(before.rfind('"'), before.rfind("“"))
    if opened < 0 or before.count('"') % 2 == 0 and before.count("“") <= before.count("”"):
        return False
    return bool(QUESTION_WORDS.match(before[opened + 1:].lstrip()))


class RuleExtractor:
    """Cue words per ontology property between actors the gazetteer finds in the same clause."""

    name = "rules"

    def extract(self, document: Document, gazetteer: Gazetteer) -> tuple[list[Proposal], dict[str, Actor]]:
        text = document.text
        spans = document.article_spans()
        known = [m for m in gazetteer.find(text) if any(a <= m.start and m.end <= b for a, b in spans)]
        new_mentions, new_actors = find_new(text, known, gazetteer, spans)
        covered = [(m.start, m.end) for m in new_mentions]
        known = [m for m in known if not any(a <= m.start and m.end <= b and (a, b) != (m.start, m.end) for a, b in covered)]
        mentions = sorted(known + new_mentions, key=lambda m: m.start)
        mentions = self._anaphora(text, spans, mentions, {**{a: x.cls for a, x in gazetteer.actors.items()},
                                                           **{a: x.cls for a, x in new_actors.items()}})
        self.gazetteer = gazetteer
        self.classes = {aid: a.cls for aid, a in gazetteer.actors.items()}
        self.classes.update({aid: a.cls for aid, a in new_actors.items()})
        proposals: dict[tuple, Proposal] = {}
        for a, b in spans:
            for s_start, s_end in sentences(text, a, b):
                carry: Mention | None = None
                sentence_ms = [m for m in mentions if s_start <= m.start and m.end <= s_end]
                if text[s_start:s_end].rstrip().endswith("?"):
                    continue          # a question asserts nothing
                for c_start, c_end in clauses(text, s_start, s_end):
                    ms = [m for m in mentions if c_start <= m.start and m.end <= c_end]
                    for p in self._clause(text, c_start, c_end, ms, carry, sentence_ms):
                        key = (p.subject, p.relation, p.object, p.polarity, s_start)
                        if key not in proposals or proposals[key].confidence < p.confidence:
                            proposals[key] = p
                    for p in self._dual(text, c_start, c_end, ms, mentions, s_start):
                        proposals.setdefault((p.subject, p.relation, p.object, p.polarity, s_start), p)
                    for p in self._war_names(text, c_start, c_end):
                        proposals.setdefault((p.subject, p.relation, p.object, p.polarity, s_start), p)
                    for p in self._located(text, c_start, c_end, ms):
                        proposals.setdefault((p.subject, p.relation, p.object, p.polarity, s_start), p)
                    # Weaker: neighbouring names with a cue word between them, when no rule paired them.
                    for p in self._clause_pairs(text, c_start, c_end, ms):
                        key = (p.subject, p.relation, p.object, p.polarity, s_start)
                        if not any(k[4] == s_start and {k[0], k[2]} == {p.subject, p.object} for k in proposals):
                            proposals[key] = p
                    subjects = [m for m in ms if self._can_be_subject(text, m, c_start)]
                    if subjects:
                        carry = subjects[0]
        return list(proposals.values()), new_actors

    @staticmethod
    def _anaphora(text, spans, mentions: list[Mention], classes) -> list[Mention]:
        """"the country", "the Lebanese group": the last name of a fitting kind in the few hundred
        characters before (a weak guess, marked so that its proposals get a lower confidence)."""
        extra = []
        for a, b in spans:
            for m in ANAPHORA.finditer(text, a, b):
                wanted = STATE_CLASSES if m.group("state") else GROUP_CLASSES
                before = [x for x in mentions if x.end <= m.start() and m.start() - x.end <= 400
                          and classes.get(x.actor) in wanted]
                if before:
                    extra.append(Mention(m.start(), m.end(), before[-1].actor, "anaphora",
                                         text[m.end():m.end() + 2] in ("'s", "’s")))
        return sorted(mentions + extra, key=lambda x: x.start)

    def _can_be_subject(self, text: str, x: Mention, c_start: int) -> bool:
        """Not a place named after a preposition ("in Syria", "to the Bekaa Valley")."""
        before = text[max(c_start, x.start - 30):x.start]
        return not LOCATIVE.search(before)

    def _clause(self, text, c_start, c_end, ms: list[Mention], carry, sentence_ms) -> Iterable[Proposal]:
        taken: list[tuple[int, int]] = []
        for cue in C.CUES:
            for m in cue.pattern.finditer(text, c_start, c_end):
                if any(m.start() < t1 and t0 < m.end() for t0, t1 in taken):
                    continue
                if any(x.start <= m.start() < x.end for x in ms):
                    continue          # the cue word is part of a name ("Popular Mobilization Forces")
                if in_quoted_question(text, m.start(), c_start, c_end):
                    continue          # '"is Iran and Iraq allies?"' repeats a question, not a claim
                pairs = list(self._pairs(text, cue, m, ms, c_start, c_end, carry, sentence_ms))
                if not pairs:
                    pairs = list(self._nearest(text, cue, m, ms, c_start))
                if not pairs:
                    continue
                taken.append((m.start(), m.end()))
                for subj, obj, conf in pairs:
                    p = self._proposal(text, cue, m, subj, obj, conf, c_start, c_end, self.classes)
                    if p is not None:
                        yield p

    def _dual(self, text, c_start, c_end, ms, mentions, s_start):
        """"the two countries signed ...", "both sides pledged ...": the two states named last."""
        d = DUAL.search(text, c_start, c_end)
        if not d:
            return
        states: list[str] = []
        for x in reversed([x for x in mentions if x.end <= d.start() and x.start >= s_start - 600]):
            if self.classes.get(x.actor) in ("State", "Government") and x.actor not in states:
                states.append(x.actor)
            if len(states) == 2:
                break
        if len(states) < 2:
            return
        a = Mention(d.start(), d.end(), states[1], "pair")
        b = Mention(d.start(), d.end(), states[0], "pair")
        right = [x for x in ms if x.start >= d.end()]
        for cue in C.CUES:
            m = cue.pattern.search(text, d.end(), c_end)
            if not m or len(text[d.end():m.start()].split()) > 8:
                continue
            if cue.placement == "sym":
                p = self._proposal(text, cue, m, a, b, cue.weight * 0.85, c_start, c_end, self.classes)
                if p is not None:
                    yield p
                return
            objects = self._objects(text, cue, m, [x for x in right if x.start >= m.end()])
            if objects and len(text[m.end():objects[0].start].split()) <= 6:
                for subj in (a, b):
                    for o in objects:
                        p = self._proposal(text, cue, m, subj, o, cue.weight * 0.8, c_start, c_end, self.classes)
                        if p is not None:
                            yield p
                return

    def _war_names(self, text, c_start, c_end):
        """"the Iran-Iraq War": a war named after its two sides."""
        for w in WAR_NAME.finditer(text, c_start, c_end):
            a = self.gazetteer.find(w.group(1))
            b = self.gazetteer.find(w.group(2))
            if len(a) == 1 and len(b) == 1 and a[0].actor != b[0].actor and \
                    {self.classes.get(a[0].actor), self.classes.get(b[0].actor)} <= {"State"}:
                sa = Mention(w.start(1), w.end(1), a[0].actor, "label")
                sb = Mention(w.start(2), w.end(2), b[0].actor, "label")
                cue = C.Cue("atWarWith", re.compile(""), "sym", 0.65)
                p = self._proposal(text, cue, w, sa, sb, 0.65, c_start, c_end, self.classes)
                if p is not None:
                    p.cue = w.group(0)
                    yield p

    def _located(self, text, c_start, c_end, ms):
        """"Hezbollah in Lebanon", "the Houthis of Yemen": a group named with its place."""
        for a, b in zip(ms, ms[1:]):
            if self.classes.get(a.actor) not in AGENT_CLASSES - {"State", "Person", "Government"}:
                continue
            if a.possessive:
                continue
            if self.classes.get(b.actor) == "Person" and re.fullmatch(r"\s+(?:\([A-Z]+\)\s+)?of\s+", text[a.end:b.start]):
                # "the Rapid Support Forces (RSF) of Mohamed Hamdan Dagalo": the person leads the group.
                cue = C.Cue("headOf", re.compile(""), "head", 0.5)
                link = re.search(r"of", text[a.end:b.start])
                mm = re.compile("of").search(text, a.end + link.start())
                p = self._proposal(text, cue, mm, b, a, 0.5, c_start, c_end, self.classes)
                if p is not None:
                    p.cue = "of (group and leader)"
                    yield p
                continue
            if self.classes.get(b.actor) not in PLACE_LIKE:
                continue
            link = re.fullmatch(r"\s+(?:in|of|from)\s+(?:the\s+)?", text[a.end:b.start])
            if link:
                cue = C.Cue("operatesIn", re.compile(""), "svo", 0.5)
                m = re.compile(re.escape(link.group(0))).search(text, a.end)
                p = self._proposal(text, cue, m, a, b, 0.5, c_start, c_end, self.classes)
                if p is not None:
                    p.cue = f"{link.group(0).strip()} (group and place)"
                    yield p

    def _clause_pairs(self, text, c_start, c_end, ms):
        """Neighbouring actors of one clause with a cue word between them: a weak proposal."""
        agents = [x for x in ms if self.classes.get(x.actor) in AGENT_CLASSES]
        for a, b in zip(agents, agents[1:]):
            if a.actor == b.actor or a.possessive or len(text[a.end:b.start].split()) > 12:
                continue
            for cue in C.CUES:
                m = cue.pattern.search(text, a.end, b.start)
                if m:
                    p = self._proposal(text, cue, m, a, b, cue.weight * 0.7, c_start, c_end, self.classes)
                    if p is not None:
                        p.cue = f"{m.group(0)} (between the names)"
                        yield p
                    break

    def _nearest(self, text, cue, m, ms, c_start):
        """When no placement rule applies: the nearest actors on either side of the cue, weaker."""
        gap = lambda a, b: len(text[a:b].split())
        left = [x for x in ms if x.end <= m.start() and self._can_be_subject(text, x, c_start)
                and self.classes.get(x.actor) in AGENT_CLASSES and gap(x.end, m.start()) <= 8]
        right = [x for x in ms if x.start >= m.end() and self.classes.get(x.actor) in AGENT_CLASSES
                 and gap(m.end(), x.start) <= 6]
        if left and right and left[-1].actor != right[0].actor:
            yield left[-1], right[0], cue.weight * 0.8

    def _fits(self, relation: str, x: Mention, side: int) -> bool:
        allowed = RANGES.get(relation)
        cls = self.classes.get(x.actor)
        if allowed is None:
            return cls in AGENT_CLASSES
        return allowed[side] is None or cls in allowed[side]

    def _subjects(self, text, cue, m, left, c_start) -> list[Mention]:
        """The subject before a verb cue, with the names coordinated with it ("Russia and China")."""
        candidates = [x for x in left if self._can_be_subject(text, x, c_start)]
        # A possessive that only qualifies a noun ("Iran's closest partner, ...") is not the subject
        # when a comma or another name stands between it and the cue.
        candidates = [x for i, x in enumerate(candidates)
                      if not (x.possessive and ("," in text[x.end:m.start()] or
                                                any(y.start - x.end <= 3 for y in left if y.start > x.start)))]
        candidates = [x for x in candidates if self._fits(cue.relation, x, 0)] or []
        if not candidates:
            return []
        subj = candidates[-1]
        earlier = [y for y in left if y.end <= subj.start]
        if earlier and text[subj.end:m.start()].lstrip().startswith(",") and \
                re.fullmatch(r",\s+(?:the|a|an|its|their)\b[^,;]*", text[earlier[-1].end:subj.start]):
            # "The Quds Force, the foreign arm of the Revolutionary Guards, sent ...": the subject is
            # the name before the appositive, not the one inside it.
            subj = earlier[-1]
        if len(candidates) > 1 and re.fullmatch(r"\s+and\s+(?:\w+ly\s+)?(?:also\s+)?", text[subj.end:m.start()]):
            # "Sudan severed relations with Iran and sided with Saudi Arabia": a second verb of the
            # clause's subject, not of the object just named.
            subj = candidates[0]
        group = [subj]
        for x in reversed([y for y in left if y.end <= subj.start]):
            if COORDINATION.fullmatch(text[x.end:group[-1].start]):
                group.append(x)
            else:
                break
        return list(reversed(group))

    def _objects(self, text, cue, m, right) -> list[Mention]:
        fitting = [x for x in right if self._fits(cue.relation, x, 1)]
        if not fitting:
            return []
        first = fitting[0]
        if first is not right[0] and len(text[m.end():first.start].split()) > 6:
            return []
        return self._coordinated(text, [x for x in right if x.start >= first.start])

    def _pairs(self, text, cue: C.Cue, m: re.Match, ms: list[Mention], c_start, c_end, carry, sentence_ms):
        left = [x for x in ms if x.end <= m.start()]
        right = [x for x in ms if x.start >= m.end()]
        gap = lambda a, b: len(text[a:b].split())           # words between two offsets
        if cue.placement == "passive":
            # "Iranian-backed militias": the word glued before the cue supports what follows.
            glued = [x for x in left if x.end == m.start()]
            if glued and right and gap(m.end(), right[0].start) <= 2:
                yield glued[0], right[0], cue.weight
            return
        if cue.placement == "from":
            # "X take money and training from Y": Y supports X.
            if left and right and gap(m.end(), right[0].start) <= 2 and gap(left[-1].end, m.start()) <= 4:
                for x in self._subjects(text, cue, m, left, c_start) or left[-1:]:
                    yield right[0], x, cue.weight
            return
        if cue.placement == "head":
            if re.match(r"(?:\s+\w+){0,3}?\s+by\b", text[m.end():m.end() + 24]) and m.group(0).lower() in ("led", "headed", "ruled"):
                # "HTS was led by X", "the army led by General X", "the Taliban, led since 2016 by X"
                after = [x for x in right if gap(m.end(), x.start) <= 3 and self.classes.get(x.actor) == "Person"]
                owners = [x for x in left if self._fits("headOf", x, 1) and gap(x.end, m.start()) <= 6]
                if after and owners:
                    yield after[0], owners[-1], cue.weight
                return
            nxt = [x for x in right if gap(m.end(), x.start) <= 1 and self.classes.get(x.actor) == "Person"]
            if nxt:
                person = nxt[0]
                # "Syria under President X", "Iran's Supreme Leader X", "its leader X"
                # The owner is attached to the title: "X's (foreign) leader", "Iranian Supreme Leader",
                # "Syria under President".
                owners = [x for x in left if x.actor != person.actor and self._fits("headOf", x, 1) and
                          re.fullmatch(r"(?:'s|’s)?\s*(?:\w+\s+)?|\s+under\s+", text[x.end:m.start()])]
                pronoun = re.search(r"\b(?:its|their)\s+(?:\w+\s+)?$", text[max(c_start, m.start() - 20):m.start()])
                if owners and not pronoun:
                    yield person, owners[-1], cue.weight
                elif pronoun:
                    first = [x for x in sentence_ms if self._fits("headOf", x, 1)]
                    if first:
                        yield person, first[0], cue.weight * 0.8
                return
            # "X was named Syria's interim president", "Raisi, Iran's president": owner is possessive.
            owner = [x for x in left if x.possessive and gap(x.end, m.start()) <= 2 and self._fits("headOf", x, 1)]
            if owner:
                people = [x for x in left if x.end <= owner[-1].start and self.classes.get(x.actor) == "Person"
                          and gap(x.end, owner[-1].start) <= 5]
                if people:
                    yield people[-1], owner[-1], cue.weight * 0.9
                return
            # "Omar al-Bashir, who ruled Sudan": a verb between a person and what they lead.
            people = [x for x in left if self.classes.get(x.actor) == "Person" and gap(x.end, m.start()) <= 3]
            if people and right and gap(m.end(), right[0].start) <= 2 and self._fits("headOf", right[0], 1):
                yield people[-1], right[0], cue.weight * 0.9
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
            after = text[m.end():c_end]
            if re.search(r"\b(?:this|that|these|those|the|its|their)\s+(?:\w+\s+)?$", text[max(c_start, m.start() - 24):m.start()]) \
                    and not re.match(r"\s+(?:\w+\s+){0,2}between\s+", after) and m.group(0)[0].islower() \
                    and not re.search(r"\b(?:is|are|was|were|be|been|became)\s+(?:\w+\s+){0,3}$", text[max(c_start, m.start() - 40):m.start()]):
                return        # "this alliance" refers back to a tie named earlier
            # "Hezbollah, Iran's closest partner", "Khartoum was one of Tehran's closest partners",
            # "Algiers shares Tehran's hostility to Israel": the possessor is one side.
            owner = [x for x in left if x.possessive and gap(x.end, m.start()) <= 3]
            if owner:
                o = owner[-1]
                to = re.match(r"\s+(?:to|towards?|with|against)\s+", after)
                if to and right and gap(m.end(), right[0].start) <= 3:
                    for x in self._coordinated(text, right):
                        yield o, x, cue.weight
                    return
                holders = [x for x in left if x.end <= o.start and x.actor != o.actor
                           and self._can_be_subject(text, x, c_start) and gap(x.end, o.start) <= 8]
                if holders:
                    yield holders[-1], o, cue.weight
                    return
                # "Iran's regional allies, such as Hezbollah and the PMF": the names right after the noun,
                # but not a place ("Iran's allies within Iraq").
                after_names = []
                if right and not re.search(r"\b(?:within|in|inside|across|throughout)\s+(?:the\s+)?$", text[m.end():right[0].start]):
                    lead = re.sub(r"^\s*,?\s*(?:such as|including|like|notably|especially|namely)\b", "", text[m.end():right[0].start])
                    if len(lead.split()) <= 2:
                        after_names = self._coordinated(text, right)
                for x in after_names:
                    yield x, o, cue.weight * 0.9
                return
            if re.match(r"\s+(?:\w+\s+){0,2}between\s+", after) and len(right) >= 2:
                first, second = right[0], right[1]
                if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*(?:the\s+)?", text[first.end:second.start].replace("'s", "")):
                    yield first, second, cue.weight
                    return
            if (re.match(r"\s+(?:\w+\s+){0,2}(?:with|to|towards?|against)\s+", after)
                    or re.search(r"\b(?:with|to)$", m.group(0))) and right:
                subjects = self._subjects(text, cue, m, left, c_start)
                if subjects and gap(subjects[-1].end, m.start()) <= 10:
                    for s in subjects:
                        for o in self._objects(text, cue, m, right):
                            yield s, o, cue.weight
                    return
            # "Iran and Iraq are allies", "Syria and Iraq were ruled by hostile wings",
            # "X regarded Y as a bitter enemy"
            if len(left) >= 2:
                a, b = left[-2], left[-1]
                joined = re.fullmatch(r"\s*(?:and|,)\s*(?:the\s+)?", text[a.end:b.start].replace("'s", "").replace("’s", ""))
                agents = all(self.classes.get(x.actor) in AGENT_CLASSES for x in (a, b))
                if agents and a.actor != b.actor and (joined or gap(a.end, b.start) <= 3) and gap(b.end, m.start()) <= 6:
                    yield a, b, cue.weight * (1 if joined else 0.85)
                    return
            subjects = self._subjects(text, cue, m, left, c_start)
            if subjects and right and gap(subjects[-1].end, m.start()) <= 8 and gap(m.end(), right[0].start) <= 6:
                for o in self._coordinated(text, right):
                    yield subjects[-1], o, cue.weight * 0.9
            return
        # svo
        if cue.relation == "subOrganizationOf" and len(left) >= 2 and left[-1].possessive and gap(left[-1].end, m.start()) <= 3:
            # "the Nusra Front, al-Qaeda's former Syrian branch": the name before is the part.
            if re.fullmatch(r",\s*", text[left[-2].end:left[-1].start]):
                yield left[-2], left[-1], cue.weight
                return
        if not right:
            return
        if cue.relation == "subOrganizationOf" and re.search(r"(?:\bits|\btheir|'s|’s)\s+(?:\w+\s+)?$", text[max(c_start, m.start() - 16):m.start()]):
            # "the IRGC and its foreign operations arm, the Quds Force": the named arm is the part.
            if left and gap(m.end(), right[0].start) <= 2:
                yield right[0], left[-1], cue.weight
            return

        if cue.relation == "supports" and re.match(r"\s+from\s+", text[m.end():m.end() + 7]):
            return            # "support from Pakistan": the supporter follows; whom it supports is unsaid
        if re.match(r"\s+by\s+", text[m.end():m.end() + 5]):
            if left:
                yield right[0], left[-1], cue.weight
            return
        subjects = self._subjects(text, cue, m, left, c_start)
        weight = cue.weight
        if not subjects and carry is not None and re.match(r"\s*(?:[a-z]|\d)", text[c_start:m.start()] or "x"):
            # ", and helped found Hezbollah": the verb shares the subject of the clause before.
            subjects, weight = [carry], cue.weight * 0.85
        if not subjects:
            return
        if gap(subjects[-1].end, m.start()) > 14:
            return
        objects = self._objects(text, cue, m, right)
        if not objects or gap(m.end(), objects[0].start) > 8:
            return
        for s in subjects:
            for o in objects:
                if o.actor != s.actor:
                    yield s, o, weight

    def _coordinated(self, text: str, right: list[Mention]) -> list[Mention]:
        """The first mention and those joined to it by commas and 'and' ("Hezbollah, Hamas and the
        Houthis", "Hamas in Gaza, Hezbollah in Lebanon": a place after a name does not break the list)."""
        if not right:
            return []
        out, last_end = [right[0]], right[0].end
        for x in right[1:]:
            between = text[last_end:x.start]
            if re.fullmatch(r"\s+(?:in|of)\s+(?:the\s+)?", between) and self.classes.get(x.actor) in PLACE_LIKE:
                last_end = x.end
                continue
            # "Hezbollah, Hamas and the Houthis"; "Iranian weapons convoys and Hezbollah positions"
            if re.fullmatch(r"(?:'s|’s)?(?:\s+[a-z]+){0,2}\s*(?:,|,?\s*and|,?\s*or|,?\s*(?:\w+\s+){0,2}such as|,?\s*including)\s*(?:the\s+)?",
                            between):
                out.append(x)
                last_end = x.end
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
        negation = None
        for n in C.NEGATIONS.finditer(text, max(c_start, start - 20), max(m.end(), min(subj.end, obj.end))):
            # A denial counts only for its own verb phrase: not across "and" / "but" to the cue.
            between = text[n.end():m.start()] if n.end() <= m.start() else ""
            if not re.search(r"\b(?:and|but|while)\b", between):
                negation = n
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
        # Known actors on both sides are more trustworthy than a guessed new name or a resolved "it".
        if subj.form == "anaphora" or obj.form == "anaphora":
            p.confidence = round(p.confidence * 0.8, 2)
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
        entry = {"id": cid, "subject": p.subject, "relation": ORG_PROPERTIES.get(p.relation, p.relation),
                 "object": p.object}
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
