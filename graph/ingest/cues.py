"""The words that signal a relation, a hedge, a denial or a time, written per ontology property.

Each relation cue says how its two actors are placed around it:
- "svo": subject before the cue, object after it ("Iran backs Hezbollah");
- "passive": the cue is followed by "by" + subject, the object comes before ("backed by Iran");
- "sym": a symmetric tie between the actors on both sides, or "between X and Y";
- "noun": a relational noun whose possessor is the object and whose holder is the subject
  ("Hezbollah, Iran's closest partner"; "Hezbollah became Tehran's proxy");
- "head": a leader noun or title ("Syria under President Hafez al-Assad", "its leader Hassan
  Nasrallah"): the person is the subject, the organisation or state the object.

The cue lists are general English for political relations, not phrases of any one article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    relation: str
    pattern: re.Pattern
    placement: str          # svo | passive | sym | noun | head
    weight: float           # how reliably the words mean this relation (the confidence's base)
    support: tuple[str, ...] = ()


def _c(relation: str, words: str, placement: str = "svo", weight: float = 0.6, support: tuple[str, ...] = ()) -> Cue:
    return Cue(relation, re.compile(rf"\b(?:{words})\b", re.IGNORECASE), placement, weight, support)


# Order matters only between cues that match the same words: the first one listed wins.
CUES: tuple[Cue, ...] = (
    # --- founding, proxies, membership, structure ------------------------------------------------
    _c("supportedFoundingOf", r"helped (?:to )?(?:found|create|establish|set up|form|build)|"
       r"(?:founded|created|established|formed|raised|set up) with (?:\w+ )?(?:support|help|backing)", weight=0.7),
    _c("supportedFoundingOf", r"(?:founded|created|established|raised|set up|organi[sz]ed)", weight=0.5),
    _c("proxyOf", r"prox(?:y|ies)", "noun", 0.75),
    _c("memberOf", r"(?:is|are|was|were|became|become|remains?) (?:not )?(?:a |the )?(?:\w+ )?members? of|"
       r"(?:is|are|was|were|became) (?:\w+ )?part of|joined|sit in|sits in|belongs? to|"
       r"(?:the )?only (?:\w+ )*(?:state|member|country) in", weight=0.65),
    _c("hasMember", r"(?:its|whose) (?:\w+ )?members|members (?:include|such as)|admitted|alongside|"
       r"includes|included|comprises|comprising|(?:is |are )?made up of|(?:is |are )?composed of", weight=0.55),
    _c("subOrganizationOf", r"(?:foreign|overseas|military|armed|political|elite) (?:operations )?arm|"
       r"(?:arm|wing|branch|unit|division|affiliate|offshoot) of|under the umbrella of|umbrella of|grew out of|"
       r"(?<='s )(?:\w+ ){0,2}(?:arm|wing|branch|affiliate|offshoot)|(?<=’s )(?:\w+ ){0,2}(?:arm|wing|branch|affiliate|offshoot)",
       "svo", 0.65),
    # --- leadership -------------------------------------------------------------------------------
    _c("headOf", r"president|prime minister|supreme leader|leader|king|emir|commander|"
       r"ruled|rules|led|leads|headed|heads|chief", "head", 0.6),
    # --- hostility --------------------------------------------------------------------------------
    _c("invaded", r"invad(?:ed|es|ing|e)|invasion of", weight=0.8),
    _c("supports", r"fight(?:s|ing)? for|fought for|(?:entered the war|fought|fight(?:s|ing)?) on|on the side of",
       weight=0.6),
    _c("operatesIn", r"fight(?:s|ing)? in|fought in", weight=0.5),
    _c("attacked", r"attack(?:ed|s|ing)?|destroy(?:ed|s)|struck|strikes? (?:on|against)|airstrikes? (?:on|against)|bomb(?:ed|ing)|"
       r"killed|assassinated|stormed|shelled|targeted|retaliated (?:against)?|assault on|fired (?:back )?(?:on|at)",
       weight=0.6),
    _c("atWarWith", r"(?:at )?war (?:with|against)|fought|fighting|fights?|clash(?:ed|es) with|battled", weight=0.55),
    _c("condemns", r"condemn(?:ed|s|ing)?|denounc(?:ed|es|ing)?|criticiz(?:ed|es)|criticis(?:ed|es)", weight=0.75),
    _c("warns", r"warn(?:ed|s|ing)?", weight=0.75),
    _c("sanctions", r"sanction(?:ed|s|ing)?|imposed sanctions on|embargo(?:ed)?|banned|outlawed|blacklisted|"
       r"designated", weight=0.7),
    _c("oppresses", r"oppress(?:ed|es|ing)?|persecut(?:ed|es|ing)|repress(?:ed|es|ing)|crack(?:ed)?down on", weight=0.7),
    _c("hostileTo", r"hostil(?:e|ity)|enem(?:y|ies)|rival(?:s|ry)?|adversar(?:y|ies)|animosity|tensions? with|"
       r"severed (?:diplomatic )?(?:relations|ties)|broke off (?:relations|ties)|"
       r"cut ties", "sym", 0.55),
    _c("opposes", r"oppos(?:ed|es|ing|e)|against", weight=0.45),
    # --- cooperation ------------------------------------------------------------------------------
    _c("shieldsDiplomatically", r"shield(?:ed|s|ing)?|vetoed|veto(?:es)? (?:\w+ )?resolutions?", weight=0.7),
    _c("alliedWith", r"allies|allied|ally|alliances?", "sym", 0.7),
    _c("supports", r"-backed|-funded|-sponsored|-armed|-trained", "passive", 0.75),
    _c("supports", r"support(?:ed|s|ing)?|back(?:ed|s|ing)?|fund(?:ed|s|ing)?|financ(?:ed|es|ing)|"
       r"arm(?:ed|s|ing)(?! groups?| forces| wing)|suppl(?:ied|ies|y)|sent|send|provid(?:ed|es|ing)|gave|give|handed|"
       r"help(?:ed|s)?|aid(?:ed|s)?|pledged|protect|rescue|save", weight=0.55),
    _c("supports", r"(?:take|took|takes|receive[sd]?|receiving|get|gets|got) (?:\w+ )?(?:money|weapons|arms|training|"
       r"support|funding|aid)(?: and \w+)? from", "from", 0.55),
    _c("tradesWith", r"trad(?:ed|es|e|ing)|exports? (?:to)?|imports? from|oil (?:to|from)", "sym", 0.5),
    _c("cooperatesWith", r"cooperat(?:ed|es|e|ing|ion)|partner(?:s|ship)?|friends?(?:hip)?|work(?:ing)? relationship|"
       r"ties (?:with|to)|relations(?:hips?)? with|links? (?:with|to)|restor(?:e|ed|ing) (?:diplomatic )?(?:ties|relations)|joint action|"
       r"coordinat(?:ed|es|ion)|worked with|together", "sym", 0.5),
    _c("seeksAlignmentWith", r"court(?:ed|s|ing)|wants? a working relationship|sought (?:closer )?ties|"
       r"seeks? (?:closer )?ties|reach(?:ed)? out|drew (?:even )?closer|rapprochement",
       weight=0.6),
    _c("alignedWith", r"sided (?:\w+ )?with|aligned with|align(?:s|ed)? (?:itself )?with|loyal to", weight=0.65),
    _c("sharesIdentityWith", r"shared? (?:\w+ )?(?:identity|faith|ideology)|share(?:s|d)? (?:\w+ )?ideolog\w*|"
       r"embraced the ideology|fellow", "sym", 0.5),
    # --- other ------------------------------------------------------------------------------------
    _c("influences", r"influence(?:s|d)?(?: over| in| on)?|sway over|leverage over", weight=0.5),
    _c("controls", r"control(?:s|led|ling)?|seized|captured|occupied|held", weight=0.5),
    _c("carriedOut", r"carried out|launched|conducted|staged|mounted", weight=0.55),
    _c("participatedIn", r"took part in|participated in|entered the war|joined the (?:war|fight|coalition)", weight=0.55),
    _c("operatesIn", r"operat(?:es|ed|ing) in|deployed (?:to|in)|stationed in|based in|kept|stayed in", weight=0.45),
)

# A person's title before the name: the person heads the state or body named nearby.
PERSON_TITLES = re.compile(
    r"\b(?:President|Prime Minister|Supreme Leader|Foreign Minister|Defence Minister|Defense Minister|"
    r"Minister|General|Gen\.|King|Emir|Crown Prince|Sheikh|Ayatollah|Commander|Chief|Leader|Sultan)\s+$")

HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|apparently|arguably|likely|probably|possibly|perhaps|"
    r"(?:is|are|was|were) (?:widely |also )?(?:believed|thought|said|reported|alleged) to|believed|"
    r"analysts (?:say|said|believe)|(?:some )?estimates? (?:put|suggest)|an estimated|reports (?:say|said|suggest)|"
    r"(?:has|have) (?:been )?reported|accus(?:ed|es|ing)|what (?:it|they) call(?:ed|s)?|claim(?:ed|s)|"
    r"appears? to|appeared to|seems? to|suggests?|may|might|could|"
    r"often (?:considered|described|seen)|is said|tacit|officials say)\b",
    re.IGNORECASE)

NEGATIONS = re.compile(
    r"\b(?:not|never|no longer|no interest in|neither|nor|denied|denies|deny|declined to|refused to|"
    r"anything but|distinct from|without|ceased|ended|failed to|did not|does not|is not|isn't|wasn't|didn't)\b",
    re.IGNORECASE)

MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
YEAR = r"(?:1[89]\d\d|20\d\d)"
TIMES: tuple[tuple[str, re.Pattern], ...] = (
    ("interval", re.compile(rf"(?i)\b(?:from|between) (?:{MONTHS} )?({YEAR}) (?:to|until|and|till) (?:{MONTHS} )?({YEAR})\b")),
    ("interval", re.compile(rf"\b({YEAR})\s*[-–]\s*({YEAR}|\d\d)\b")),
    ("start", re.compile(rf"(?i)\b(?:since|from|after|starting in|beginning in) (?:(?:early|late|mid-?) )?(?:\d{{1,2}} )?(?:{MONTHS} )?({YEAR})\b")),
    ("end", re.compile(rf"(?i)\b(?:until|till|up to|before) (?:(?:early|late|mid-?) )?(?:\d{{1,2}} )?(?:{MONTHS} )?({YEAR})\b")),
    ("point", re.compile(rf"(?i)\b(?:in |on |by |during )?(?:(?:early|late|mid-?) )?"
                         rf"(?:the (?:summer|spring|autumn|winter) of )?(?:\d{{1,2}} )?(?:{MONTHS} )?({YEAR})\b")),
)
DECADE = re.compile(r"\b(?:the )?(?:early |late |mid-)?((?:1[89]|20)\d0)s\b")
