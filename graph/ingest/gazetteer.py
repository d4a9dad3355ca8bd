"""Find the actors a text names: known ones by label, other name, capital, demonym or possessive,
and new ones (groups, people, places, events) by the shape of their names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from alliance_kg.graph.ingest.lexicon import entries as lexicon_entries

GROUP_CLASSES = (
    (re.compile(r"\b(?:Brigades?|Battalions?|Militias?|Division)\b"), "Militia"),
    (re.compile(r"\b(?:Guards?|Corps|Army|Armed Forces|Air Force|Navy|Police|Intelligence)\b"), "SecurityForce"),
    (re.compile(r"\b(?:Forces|Force)\b"), "NonStateArmedGroup"),
    (re.compile(r"\b(?:Party)\b"), "PoliticalParty"),
    (re.compile(r"\b(?:Movement)\b"), "PoliticalMovement"),
    (re.compile(r"\b(?:Front|Jihad|Group|Hezbollah|Hizbullah|Qaeda|Tahrir|Jaish|Ahl|Kataib|Harakat|Ansar|Liwa)\b"),
     "NonStateArmedGroup"),
    (re.compile(r"\b(?:Coalition)\b"), "Coalition"),
    (re.compile(r"\b(?:Organi[sz]ation|Council|Union|League|Agency|Court|Commission)\b"), "InternationalOrganization"),
    (re.compile(r"\b(?:Axis|Network|Alliance)\b"), "InformalNetwork"),
    (re.compile(r"\b(?:Government|Ministry|Administration|Regime)\b"), "Government"),
    (re.compile(r"\b(?:War|Conflict|Uprising)\b"), "War"),
    (re.compile(r"\b(?:Revolution|Accords?|Agreement|Treaty|Crisis|Spring|Deal)\b"), "Event"),
    (re.compile(r"\b(?:Valley|Sea|Strait|River|Heights|Strip|Province|Peninsula|Gulf|Desert|Mountains?|"
                r"Bank|Basin|Lake|Island|Islands|Coast|Region|Base|City|Border|Port)\b"), "Place"),
)
# "Palestinian groups", "Iraqi armed groups", "Afghan Shi'ites": people or groups of that nationality,
# not the state itself.
DEMONYM_NOT_STATE = re.compile(r"\s+(?:[a-z-]+\s+)?(?:groups?|movements?|militias?|factions?|rebels|volunteers|"
                               r"fighters|insurgents|Shi'ites|Shia|Sunnis?|refugees|workers|students|people|"
                               r"militants|mercenaries|ally|allies|partners?|prox(?:y|ies)|embassy|consulate)\b")
# "the Sudanese army": a state's armed forces named by its demonym, an actor of its own.
DEMONYM_FORCE = re.compile(r"\s+(army|armed forces|navy|air force)\b")
ALIAS_CUE = re.compile(r"^\s*,?\s*(?:also (?:called|known as)|better known as|known as|dubbed|or)\s+$")
PERSON_PARTICLE = re.compile(r"(?:^|\s)(?:al-|bin |ibn |Abu |Abdel |Abdul |el-)")
TITLE_WORDS = {"President", "Prime", "Minister", "Supreme", "Leader", "Foreign", "Defence", "Defense", "General",
               "Gen.", "King", "Emir", "Crown", "Prince", "Sheikh", "Ayatollah", "Commander", "Chief", "Sultan",
               "Mr", "Mrs", "Dr", "Then", "Interim"}
NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "By", "For", "From", "To", "With", "Without", "When", "While", "After",
    "Before", "Since", "Until", "During", "Through", "Throughout", "Over", "Under", "Yet", "But", "And", "Or",
    "So", "Then", "Now", "This", "That", "These", "Those", "It", "Its", "Their", "They", "He", "She", "His", "Her",
    "We", "Our", "You", "Your", "Both", "Each", "Few", "Many", "Most", "Some", "All", "No", "Not", "Analysts",
    "Partners", "Relations", "Water", "Taken", "However", "Furthermore", "Moreover", "Also", "Among", "Another",
    "Beyond", "Despite", "Following", "Like", "Unlike", "One", "Two", "Three", "Four", "Here", "There", "What",
    "Which", "Who", "Why", "How", "Where", "If", "As", "Is", "Are", "Was", "Were", "Has", "Have", "Had", "Do",
    "Does", "Did", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday", "Today", "Understanding", "Examining", "Formed", "Politically", "Economically", "Militarily",
    "Recent", "Partner", "Rival", "Again", "Friends", "Despite", "Relations", "Meanwhile", "Instead", "Still",
}
# Words that are names only as part of a longer one ("Islamic" alone is an adjective).
NOT_ALONE = {"Shia", "Shi'ite", "Shi'ites", "Shiite", "Sunni", "Islamic", "Arab", "Arabs", "Western", "West",
             "Gulf", "Muslim", "Muslims", "Christian", "Jewish", "Kurdish", "Kurds", "Baluch", "Persian", "Eastern",
             "Northern", "Southern", "North", "South", "East", "Middle", "Ba'athist", "Ba'ath", "Council", "Act",
             "Caesar", "Supreme", "Revolutionary", "Guards", "Army", "Front", "Brigade", "Forces", "State", "War",
             "Union", "Division", "Party", "Movement", "Network", "Alliance", "Axis"}
# A capitalised word; an apostrophe inside it is kept (Ba'ath, Shi'ite) but not a possessive 's.
NAME_TOKEN = r"(?:[A-Z](?:[\w.-]|['’](?!s\b)(?=\w))*[\w]|[A-Z]|(?:al|el|ad|as)-[A-Z](?:[\w-]|['’](?!s\b)(?=\w))*)"
NAME_SEQ = re.compile(rf"(?<![\w'’-]){NAME_TOKEN}(?:(?:\s+(?:of|of the|bin|ibn|de|du))?\s+{NAME_TOKEN})*")
POSSESSIVE = re.compile(r"^(?:'s|’s|'|’)")


@dataclass
class Actor:
    id: str
    cls: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    known: bool = True          # from actors.yaml or the lexicon; False = proposed new actor

    def as_yaml(self) -> dict:
        out = {"id": self.id, "class": self.cls, "label": self.label}
        if self.alt_labels:
            out["altLabels"] = list(self.alt_labels)
        return out


@dataclass(frozen=True)
class Mention:
    start: int
    end: int              # end of the name (a possessive "'s" is not part of it)
    actor: str
    form: str             # label | alt | capital | demonym | new | surname
    possessive: bool = False


def actor_id(name: str) -> str:
    cleaned = re.sub(r"[’']", "", name)
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", cleaned).strip("_-")
    return cleaned or "Actor"


class Gazetteer:
    """Surface forms → actor ids, for the actors the proposer may recognise."""

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self.forms: dict[str, tuple[str, str]] = {}     # surface form → (actor id, form kind)
        self._pattern: re.Pattern | None = None

    def add(self, actor: Actor, capitals: Iterable[str] = (), demonyms: Iterable[str] = (), override: bool = False) -> None:
        """Add an actor and its names; a name already taken keeps its actor unless `override`
        (the corpus's own actors override the generic lexicon: if the curators file "Tehran" under
        the Government of Iran, so does the proposer)."""
        existing = self.actors.get(actor.id)
        if existing is None:
            self.actors[actor.id] = actor
        else:
            existing.alt_labels.extend(a for a in actor.alt_labels if a not in existing.alt_labels)
        for form, kind in ([(actor.label, "label")] + [(a, "alt") for a in actor.alt_labels]
                           + [(c, "capital") for c in capitals] + [(d, "demonym") for d in demonyms]):
            if form and (override or form not in self.forms):
                self.forms[form] = (actor.id, kind)
                # Labels such as "the Islamic Republic" are found without their article.
                if form.lower().startswith("the ") and (override or form[4:] not in self.forms):
                    self.forms[form[4:]] = (actor.id, kind)
        self._pattern = None

    @classmethod
    def generic(cls) -> "Gazetteer":
        g = cls()
        for e in lexicon_entries():
            g.add(Actor(e.id, e.cls, e.label, list(e.alt_labels)), e.capitals, e.demonyms)
        return g

    def add_curated(self, actors: Iterable) -> None:
        """Actors in the curated format (graph.curation.ActorRecord or dicts from actors.yaml)."""
        for a in actors:
            if isinstance(a, dict):
                self.add(Actor(a["id"], a.get("class", "State"), a["label"], list(a.get("altLabels") or [])), override=True)
            else:
                self.add(Actor(a.id, a.cls, a.label, list(a.alt_labels)), override=True)

    def partial(self, name: str) -> str | None:
        """The one known organisation whose label holds every word of `name` ("Revolutionary
        Guards" for the Islamic Revolutionary Guard Corps), if exactly one does."""
        words = {w.lower().rstrip("s") for w in re.findall(r"[\w'-]+", name)}
        if len(words) < 2:
            return None
        hits = {aid for form, (aid, _) in self.forms.items()
                if self.actors[aid].cls not in ("State", "Person", "Place")
                and words <= {w.lower().rstrip("s") for w in re.findall(r"[\w'-]+", form)}}
        return hits.pop() if len(hits) == 1 else None

    def pattern(self) -> re.Pattern:
        if self._pattern is None:
            forms = sorted(self.forms, key=len, reverse=True)
            alternatives = "|".join(re.escape(f) for f in forms)
            self._pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])")
        return self._pattern

    def find(self, text: str) -> list[Mention]:
        out = []
        for m in self.pattern().finditer(text):
            actor, kind = self.forms[m.group(0)]
            if kind == "demonym" and (DEMONYM_NOT_STATE.match(text, m.end()) or DEMONYM_FORCE.match(text, m.end())):
                continue
            out.append(Mention(m.start(), m.end(), actor, kind, bool(POSSESSIVE.match(text[m.end():m.end() + 2]))))
        return out


PERSON_AFTER = re.compile(
    r"(?:'s|’s)\s+(?:son|wife|father|brother|daughter|government|regime)\b|\s+(?:died|fled|said|says|became|was named|"
    r"visited|travelled|traveled|succeeded|ruled|warned|denounced|resigned|was killed|was elected|is)\b|"
    r",\s+(?:long |better |also )?known as\b|,\s+in office\b")
PERSON_BEFORE = re.compile(r"\b(?:led by|under|killed|succeeded|assassinated)\s+$")


def is_heading(line: str) -> bool:
    """A short Title Case line without sentence punctuation: a heading, not a sentence."""
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    if not words or len(words) > 14 or re.search(r"[.!]\s*$", line):
        return False
    content = [w for w in words if w.lower() not in {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in",
                                                     "into", "of", "on", "or", "the", "to", "vs", "with"}]
    return bool(content) and sum(w[0].isupper() for w in content) / len(content) >= 0.8


def classify(name: str, text: str, start: int, end: int, surnames_alone: frozenset = frozenset()) -> str | None:
    """The class of a name the gazetteer does not know, from its words and what surrounds it. A
    person needs evidence: a title or role before the name, a particle (al-, bin, Abu), a verb or
    phrase after it that only people take, or the family name used alone elsewhere in the text."""
    after = text[end:end + 80]
    before = text[max(0, start - 40):start]
    for pattern, cls in GROUP_CLASSES:
        if pattern.search(name):
            return cls
    if re.match(r"\s*\([A-Z]{2,6}\)", after):
        return "NonStateArmedGroup"
    if re.match(r"\s*(?:\(\"[^\"]*\"\)\s*)?,\s+(?:a|an|the)\s+(?:[\w'-]+\s+){0,4}(?:group|movement|militia|faction|"
                r"organi[sz]ation|network|party|insurgency)", after):
        return "NonStateArmedGroup"
    words = name.split()
    if re.search(r"(?:President|Minister|Leader|General|King|Emir|Sheikh|Ayatollah|Commander|Chief|leader|"
                 r"president|minister|commander|general|son|father|brother)\s*,?\s*$", before):
        return "Person"
    if re.match(r"\s*,\s+(?:who|whose)\b", after) or PERSON_PARTICLE.search(" " + name):
        return "Person" if len(words) >= 2 else None
    if 2 <= len(words) <= 3 and all(w[0].isupper() for w in words) and (
            PERSON_AFTER.match(text, end) or PERSON_BEFORE.search(before) or words[-1] in surnames_alone):
        return "Person"
    return None


def find_new(text: str, known: list[Mention], gazetteer: Gazetteer, spans: list[tuple[int, int]]) -> tuple[list[Mention], dict[str, Actor]]:
    """Names the gazetteer does not know, in the given spans (the article's lines)."""
    new_actors: dict[str, Actor] = {}
    mentions: list[Mention] = []
    surnames: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    occupied = [(m.start, m.end) for m in known]
    # A heading ("The Civil War: Tehran Goes All In") is Title Case throughout: no new names there.
    spans = [(a, b) for a, b in spans if not is_heading(text[a:b])]
    # Family names the text also uses on their own ("Raisi" after "Ebrahim Raisi").
    alone = frozenset(w.group(0) for a, b in spans for w in re.finditer(r"(?<![\w-])[A-Z][a-z]{2,}(?![\w-])", text[a:b])
                      if not re.match(r"\s+[A-Z]", text[a + w.end():a + w.end() + 2])
                      and not re.search(r"[A-Z][\w'-]*\s+$", text[max(a, a + w.start() - 20):a + w.start()]))
    # How often each capitalised word is used other than at the start of a sentence.
    recurring: dict[str, int] = {}
    for span_start, span_end in spans:
        for w in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b", text[span_start:span_end]):
            if w.start() > 0:
                recurring[w.group(0)] = recurring.get(w.group(0), 0) + 1
    # Words used on their own as a noun phrase's head at least once ("the Taliban," "the Taliban's").
    standalone = {w.group(1) for a, b in spans for w in re.finditer(r"\bthe ([A-Z][a-z]+)(?=[,.;:)]|['’]s\b| and\b| [a-z]+ed\b)", text[a:b])}
    # "the Taliban, ... Taliban fighters": a one-word name the text uses with an article and on its
    # own is a name wherever it occurs.
    one_word_names = {w for w in standalone if recurring.get(w, 0) >= 2 and w not in NOT_ALONE
                      and w not in gazetteer.forms}
    for force in re.finditer(r"\b(?:" + "|".join(re.escape(f) for f, (_, k) in gazetteer.forms.items() if k == "demonym")
                             + r")" + DEMONYM_FORCE.pattern, text):
        if any(a <= force.start() and force.end() <= b for a, b in spans):
            name = force.group(0)
            aid = actor_id(name)
            new_actors.setdefault(aid, Actor(aid, "SecurityForce", name, [], known=False))
            mentions.append(Mention(force.start(), force.end(), aid, "new", bool(POSSESSIVE.match(text[force.end():force.end() + 2]))))
            occupied.append((force.start(), force.end()))
    for span_start, span_end in spans:
        for m in NAME_SEQ.finditer(text, span_start, span_end):
            start, end, name = m.start(), m.end(), m.group(0)
            # Strip titles and sentence-initial function words ("President Hafez al-Assad").
            words = name.split()
            while words and (words[0] in TITLE_WORDS or words[0] in NOT_NAMES or words[0] in ("of", "of the")):
                start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
                words = words[1:]
            demonyms = {f for f, (_, k) in gazetteer.forms.items() if k == "demonym"}
            if all(w in NOT_ALONE or w in demonyms or w.rstrip("s") in demonyms for w in words):
                continue          # "Sunni Baluch", "Afghan Shi'ites": descriptions, not names
            if words[0].endswith(("-led", "-backed")) or words[0] in demonyms:
                # "Kurdish-led Syrian Democratic Forces": the name starts after the description.
                rest = name.split(None, 1)
                if len(rest) < 2:
                    continue
                start = end - len(rest[1])
                words = words[1:]
            while words and words[-1] in NOT_NAMES | TITLE_WORDS:
                words = words[:-1]
                end = start + len(" ".join(words)) if words else start
            if not words:
                continue
            name = text[start:end]
            if name.endswith(("'", "’")):
                name, end = name[:-1], end - 1
            overlapping = [(a, b) for a, b in occupied if a < end and start < b]
            if overlapping and (overlapping[0][0] <= start and overlapping[-1][1] >= end):
                continue            # the gazetteer already names it
            if overlapping:
                # A longer name around a known one: "Kataib Hezbollah" beside "Hezbollah" is a new
                # group, "Iranian" in "Iranian Supreme Leader" is not part of a name.
                inner = [k for k in known if k.start < end and start < k.end]
                if all(k.form in ("demonym", "capital") for k in inner) and not any(p.search(name) for p, _ in GROUP_CLASSES):
                    continue
                if any(k.start == start and k.end == end for k in inner):
                    continue
            gloss = re.search(r"\((?:\"|“)?\s*$", text[max(0, start - 3):start])
            if gloss and mentions and 0 <= start - mentions[-1].end <= 4:
                # Jaish al-Adl ("Army of Justice"): a gloss names the same actor.
                owner = mentions[-1].actor
                if owner in new_actors and name not in new_actors[owner].alt_labels:
                    new_actors[owner].alt_labels.append(name)
                mentions.append(Mention(start, end, owner, "alt"))
                continue
            government = re.match(r"(?:'s|’s)?\s+(?:government|regime|administration)\b", text[end:end + 18])
            if government and (name in surnames or classify(name, text, start, end) == "Person"):
                # "the Assad government": the government a person leads, not the person.
                gname = f"{text[start:end + government.end()].strip()}"
                gid = actor_id(gname)
                new_actors.setdefault(gid, Actor(gid, "Government", gname, [], known=False))
                gend = end + government.end()
                mentions.append(Mention(start, gend, gid, "new", bool(POSSESSIVE.match(text[gend:gend + 2]))))
                continue
            if mentions and ALIAS_CUE.match(text[mentions[-1].end:start]) and mentions[-1].actor in new_actors:
                owner = mentions[-1].actor
                if name not in new_actors[owner].alt_labels:
                    new_actors[owner].alt_labels.append(name)
                mentions.append(Mention(start, end, owner, "alt", bool(POSSESSIVE.match(text[end:end + 2]))))
                continue
            if name in acronyms:
                mentions.append(Mention(start, end, acronyms[name], "alt", bool(POSSESSIVE.match(text[end:end + 2]))))
                continue
            if len(words) == 1 and name not in surnames:
                # "the Fatemiyoun's strength" after "the Fatemiyoun Brigade": the same group.
                longer = [aid for aid, a in new_actors.items() if a.label.startswith(name + " ") and a.cls in
                          ("NonStateArmedGroup", "Militia", "SecurityForce", "PoliticalMovement", "PoliticalParty")]
                if len(longer) == 1:
                    mentions.append(Mention(start, end, longer[0], "alt", bool(POSSESSIVE.match(text[end:end + 2]))))
                    continue
            if len(words) == 1 and name in surnames:
                mentions.append(Mention(start, end, surnames[name], "surname", bool(POSSESSIVE.match(text[end:end + 2]))))
                continue
            if len(words) == 1 and (name.lower() in ("the",) or len(name) < 3 or name.isupper() and len(name) > 5):
                continue
            partial = gazetteer.partial(name)
            if partial:
                mentions.append(Mention(start, end, partial, "alt", bool(POSSESSIVE.match(text[end:end + 2]))))
                continue
            cls = classify(name, text, start, end, alone)
            if cls is None and len(words) == 1 and name in one_word_names:
                # "the Taliban", "the Houthis": a one-word name the text keeps using with an article.
                cls = "NonStateArmedGroup"
            if cls is None:
                continue
            aid = actor_id(name)
            if aid in gazetteer.actors:
                mentions.append(Mention(start, end, aid, "label", bool(POSSESSIVE.match(text[end:end + 2]))))
                continue
            actor = new_actors.setdefault(aid, Actor(aid, cls, name, [], known=False))
            mentions.append(Mention(start, end, aid, "new", bool(POSSESSIVE.match(text[end:end + 2]))))
            acr = re.match(r"\s*\(([A-Z][A-Za-z]{1,6})\)", text[end:end + 12])
            if acr:
                acronyms[acr.group(1)] = aid
                if acr.group(1) not in actor.alt_labels:
                    actor.alt_labels.append(acr.group(1))
            if cls == "Person" and len(words) >= 2:
                last = words[-1]
                surnames[last] = aid
                if last.startswith(("al-", "el-")):
                    surnames[last[3:]] = aid
                    surnames[last[0].upper() + last[1:]] = aid
    return mentions, new_actors
