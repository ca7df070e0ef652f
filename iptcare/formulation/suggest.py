"""Suggest IPT focus areas from the timeline, the inventory and the narrative.

Pure Python: no Django. The therapist chooses the focus areas with the client; this only
ranks the four areas and says why, in words a therapist can check against the case.
docs/focus-suggestion.md explains the same rules with an example.

Rules
-----
Every piece of evidence has a strength 0..1. An area's score combines its evidence as
independent cues (1 - product of (1 - strength)), so more evidence raises the score without
passing 1. A single classic event just before the onset is worth at most 0.85.

Timing: an event is weighed against the onset (or, with no onset recorded, against the
assessment date at 0.6 of the weight):

    up to 1 month before onset  1.0        6-12 months before   0.4
    1-3 months before           0.9        1-2 years before     0.15
    3-6 months before           0.75       over 2 years before  0
    up to 6 months after onset  0.5        later after onset    0.2

An event is "near the onset" when its timing weight is 0.4 or more (up to a year before, or
up to 6 months after).

* Grief: 0.85 x timing x the event type's grief weight (death 1.0; other losses lower, see
  catalogue.py). For a death, the person is looked up in the inventory by name or relation:
  closeness 1-2 x1.0, closeness 3 x0.6, not found or closeness unknown x0.8, and +0.1 when
  marked deceased. A person marked deceased with no dated death on the timeline adds
  0.85 x 0.3 x that factor.
* Role transition: 0.85 x timing x the event type's transition weight (every life change
  1.0; non-death losses 0.5-0.7, the classic manuals' home for them).
* Role dispute: a current conflict with a close person: for each person with conflict >= 2
  who has not died and whose relationship has not ended, 0.85 x (conflict 3: 1.0, 2: 0.75)
  x (closeness 1: 1.0, 2: 0.85, unknown: 0.6, 3: 0.4). An ongoing_conflict event adds
  0.85 x 0.8 x timing, with timing at least 0.5 (an ongoing conflict stays current), and
  x0.3 when its person has died or the relationship has ended.
* Interpersonal deficits: no loss, change or conflict near the onset (0.35; 0.1 when the
  timeline is empty), long-standing difficulty (onset 2+ years before the assessment 0.4,
  1-2 years 0.2, no onset recorded 0.2), few close relationships (nobody at closeness 1 0.4,
  one person 0.3; two or fewer current relationships 0.25), nobody giving support 2+ (0.2).
  The protocol chooses deficits only when the other three areas are absent, so the result
  is multiplied by (1 - 0.8 x the strongest other area).
* Narrative: each distinct cue word adds 0.1 (at most three count) and the reason quotes the
  words matched. Cues are plain word matches; negation ("we never argue") is not understood.

Every area gets at least one reason; a weak area says why it is weak. When another area
scores 0.4 or more and within 0.15 of the best, both get a "close call" reason naming the
other's main evidence. Scores are rounded to 2 places; ties keep the protocol's order
(grief, role dispute, role transition, interpersonal deficits). The result is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from iptcare.core import dates
from iptcare.formulation.catalogue import (
    EVENT_TYPES,
    FOCUS_AREA_LABELS,
    FOCUS_AREA_ORDER,
    EventKind,
    EventType,
    FocusArea,
    LossType,
)

__all__ = [
    "Case",
    "LifeEvent",
    "Person",
    "Suggestion",
    "SuggestionInputError",
    "parse_case",
    "suggest",
]

GRIEF = FocusArea.GRIEF
DISPUTE = FocusArea.ROLE_DISPUTE
TRANSITION = FocusArea.ROLE_TRANSITION
DEFICITS = FocusArea.INTERPERSONAL_DEFICITS

# The strength of one classic piece of evidence at its best: left below 1 so that a second,
# independent piece of evidence still counts.
CLASSIC: Final = 0.85
NO_ONSET_FACTOR: Final = 0.6
NEAR_ONSET: Final = 0.4
CUE_STRENGTH: Final = 0.1
MAX_CUES: Final = 3
DEFICITS_DAMPING: Final = 0.8
CLOSE_CALL_GAP: Final = 0.15
CLOSE_CALL_FLOOR: Final = 0.4


# --- Input -------------------------------------------------------------------------------


class SuggestionInputError(ValueError):
    """Bad input; the message starts with the field's path, e.g. "events[2].date: ..."."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class LifeEvent:
    type: EventType
    date: date
    person: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Person:
    name: str
    relation: str | None = None
    closeness: int | None = None  # 1 = closest ring of the closeness circle
    conflict: int | None = None  # 0-3
    support: int | None = None  # 0-3
    deceased: bool = False
    ended: bool = False

    @property
    def is_current(self) -> bool:
        return not (self.deceased or self.ended)

    @property
    def described(self) -> str:
        return f"{self.name} ({self.relation})" if self.relation else self.name


@dataclass(frozen=True)
class Case:
    assessed_on: date
    onset: date | None = None
    events: tuple[LifeEvent, ...] = ()
    people: tuple[Person, ...] = ()
    narrative: str = ""


@dataclass(frozen=True)
class Suggestion:
    area: FocusArea
    score: float
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"area": self.area.value, "score": self.score, "reasons": list(self.reasons)}


_TOP_FIELDS: Final = ("assessed_on", "onset", "events", "people", "narrative")
_EVENT_FIELDS: Final = ("type", "date", "person", "note")
_PERSON_FIELDS: Final = (
    "name",
    "relation",
    "closeness",
    "conflict",
    "support",
    "deceased",
    "ended",
)
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def _object(value: object, path: str, fields: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise SuggestionInputError(path, "expected an object")
    # Unknown fields are refused: a misspelt "closenes" would otherwise be silently ignored.
    for key in value:
        if key not in fields:
            where = f"{path}.{key}" if path != "(top level)" else str(key)
            raise SuggestionInputError(where, f"unknown field (expected: {', '.join(fields)})")
    return value


def _date(value: object, path: str, *, required: bool) -> date | None:
    if value is None:
        if required:
            raise SuggestionInputError(path, "required")
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise SuggestionInputError(path, "not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SuggestionInputError(path, "not a date (YYYY-MM-DD)") from None


def _text(value: object, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SuggestionInputError(path, "expected text")
    return value.strip() or None


def _flag(value: object, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise SuggestionInputError(path, "expected true or false")
    return value


def _rating(value: object, path: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SuggestionInputError(path, f"expected a whole number {low}–{high}")
    if not low <= value <= high:
        raise SuggestionInputError(path, f"must be {low}–{high} (got {value})")
    return value


def _list(value: object, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SuggestionInputError(path, "expected a list")
    return value


def _event(value: object, path: str) -> LifeEvent:
    data = _object(value, path, _EVENT_FIELDS)
    code = data.get("type")
    if code is None:
        raise SuggestionInputError(f"{path}.type", "required")
    if not isinstance(code, str) or code not in EVENT_TYPES:
        known = ", ".join(EVENT_TYPES)
        raise SuggestionInputError(f"{path}.type", f"unknown event type {code!r} (known: {known})")
    when = _date(data.get("date"), f"{path}.date", required=True)
    assert when is not None
    return LifeEvent(
        type=EVENT_TYPES[code],
        date=when,
        person=_text(data.get("person"), f"{path}.person"),
        note=_text(data.get("note"), f"{path}.note"),
    )


def _person(value: object, path: str) -> Person:
    data = _object(value, path, _PERSON_FIELDS)
    name = _text(data.get("name"), f"{path}.name")
    if name is None:
        raise SuggestionInputError(f"{path}.name", "required")
    return Person(
        name=name,
        relation=_text(data.get("relation"), f"{path}.relation"),
        closeness=_rating(data.get("closeness"), f"{path}.closeness", 1, 3),
        conflict=_rating(data.get("conflict"), f"{path}.conflict", 0, 3),
        support=_rating(data.get("support"), f"{path}.support", 0, 3),
        deceased=_flag(data.get("deceased"), f"{path}.deceased"),
        ended=_flag(data.get("ended"), f"{path}.ended"),
    )


def parse_case(data: dict[str, Any]) -> Case:
    """Build a Case from the JSON shape in docs/focus-suggestion.md.

    Raises SuggestionInputError naming the field, e.g. "people[0].closeness: must be 1–3".
    Every field but assessed_on may be absent or null.
    """
    top = _object(data, "(top level)", _TOP_FIELDS)
    assessed_on = _date(top.get("assessed_on"), "assessed_on", required=True)
    assert assessed_on is not None
    onset = _date(top.get("onset"), "onset", required=False)
    if onset is not None and onset > assessed_on:
        raise SuggestionInputError("onset", f"after assessed_on ({assessed_on.isoformat()})")
    events = tuple(
        _event(item, f"events[{i}]") for i, item in enumerate(_list(top.get("events"), "events"))
    )
    people = tuple(
        _person(item, f"people[{i}]") for i, item in enumerate(_list(top.get("people"), "people"))
    )
    narrative = _text(top.get("narrative"), "narrative") or ""
    return Case(assessed_on, onset, events, people, narrative)


# --- Evidence ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    strength: float
    reason: str


@dataclass(frozen=True)
class _Timing:
    weight: float
    near: bool
    phrase: str  # "2 months before onset"
    comment: str  # why the weight is low, or ""


def _span(days: int) -> str:
    if days < 14:
        return "1 day" if days == 1 else f"{days} days"
    if days < 61:
        return f"{round(days / 7)} weeks"
    if days < 730:
        months = round(days / 30.44)
        return f"{months} months"
    return f"{int(days / 365.25)} years"


# (days before the reference, weight): the first band that holds the event applies.
_BEFORE_BANDS: Final = ((31, 1.0), (92, 0.9), (183, 0.75), (365, 0.4), (730, 0.15))
_AFTER_BANDS: Final = ((183, 0.5),)
_LATE_AFTER: Final = 0.2


def _timing(when: date, case: Case) -> _Timing:
    reference = case.onset or case.assessed_on
    what = "onset" if case.onset else "the assessment"
    days = (reference - when).days
    if days == 0:
        weight, phrase = 1.0, f"at {'the onset' if case.onset else 'the assessment'}"
        comment = ""
    elif days > 0:
        weight = next((w for limit, w in _BEFORE_BANDS if days <= limit), 0.0)
        phrase = f"{_span(days)} before {what}"
        if weight == 0:
            comment = f"too long before {what} to explain it"
        elif weight < 0.75:
            comment = "more than 6 months before, so weaker"
        else:
            comment = ""
    else:
        weight = next((w for limit, w in _AFTER_BANDS if -days <= limit), _LATE_AFTER)
        phrase = f"{_span(-days)} after {what}"
        comment = (
            "after the onset, so it may keep the depression going but did not start it"
            if case.onset
            else ""
        )
    near = weight >= NEAR_ONSET
    if case.onset is None:
        weight *= NO_ONSET_FACTOR
        comment = "; ".join(filter(None, [comment, "no onset recorded, so weaker"]))
    return _Timing(weight, near, phrase, comment)


def _with_comment(text: str, timing: _Timing) -> str:
    return f"{text}; {timing.comment}" if timing.comment else text


# Everyday words for a relation, so an event's "Dad" finds the inventory's "father".
_RELATION_WORDS: Final = {
    "mum": "mother",
    "mom": "mother",
    "mummy": "mother",
    "mommy": "mother",
    "dad": "father",
    "daddy": "father",
    "gran": "grandmother",
    "granny": "grandmother",
    "grandma": "grandmother",
    "nan": "grandmother",
    "grandpa": "grandfather",
    "grandad": "grandfather",
    "granddad": "grandfather",
}


def _relation_word(text: str) -> str:
    word = text.casefold().strip().removeprefix("my ").strip()
    return _RELATION_WORDS.get(word, word)


def _find_person(case: Case, who: str | None) -> Person | None:
    """The inventory entry an event names: by name first, then by relation ("Dad")."""
    if not who:
        return None
    by_name = [p for p in case.people if p.name.casefold() == who.casefold().strip()]
    wanted = _relation_word(who)
    by_relation = [p for p in case.people if p.relation and _relation_word(p.relation) == wanted]
    matches = by_name or by_relation
    return matches[0] if matches else None


def _bereavement_factor(person: Person | None) -> tuple[float, str]:
    """How much a death weighs for grief, by how close the person was."""
    if person is None:
        return 0.8, "not in the inventory (how close were they?)"
    if person.closeness in (1, 2):
        factor, note = 1.0, f"closeness {person.closeness} in the inventory"
    elif person.closeness == 3:
        factor, note = 0.6, "closeness 3 in the inventory, a less close tie"
    else:
        factor, note = 0.8, "in the inventory without a closeness"
    if person.deceased:
        factor, note = min(1.0, factor + 0.1), f"{note}, marked deceased"
    return factor, note


def _combine(strengths: Iterable[float]) -> float:
    remaining = 1.0
    for strength in strengths:
        remaining *= 1.0 - strength
    return 1.0 - remaining


def _grief(case: Case) -> list[_Evidence]:
    found: list[_Evidence] = []
    dated_deaths: set[int] = set()
    for event in case.events:
        kind = event.type
        if kind.grief <= 0:
            continue
        timing = _timing(event.date, case)
        if kind.loss_type is LossType.DEATH:
            person = _find_person(case, event.person)
            if person is not None:
                dated_deaths.add(id(person))
            factor, note = _bereavement_factor(person)
            who = person.described if person else (event.person or "someone (no person named)")
            text = f"Death of {who} {timing.phrase}"
            text = f"{text}; {note}" if event.person else text
        else:
            factor = 1.0
            text = (
                f"{kind.label} {timing.phrase}: a loss other than a death, grief only where "
                "the clinic defines grief broadly"
            )
        found.append(
            _Evidence(CLASSIC * timing.weight * kind.grief * factor, _with_comment(text, timing))
        )
    for person in case.people:
        if person.deceased and id(person) not in dated_deaths:
            factor, _ = _bereavement_factor(person)
            closeness = f", closeness {person.closeness}" if person.closeness else ""
            found.append(
                _Evidence(
                    CLASSIC * 0.3 * factor,
                    f"{person.described}{closeness} is marked deceased in the inventory but "
                    "there is no dated death on the timeline: when did they die?",
                )
            )
    if not found:
        found.append(_Evidence(0.0, "No death or other loss on the timeline"))
    elif all(e.strength == 0 for e in found):
        found.append(_Evidence(0.0, "No death or loss near the onset"))
    return found


def _transition(case: Case) -> list[_Evidence]:
    found: list[_Evidence] = []
    for event in case.events:
        kind = event.type
        if kind.transition <= 0:
            continue
        timing = _timing(event.date, case)
        text = f"{kind.label} {timing.phrase}"
        if kind.kind is EventKind.LOSS:
            text += ": classic IPT treats a loss other than a death as a role transition"
        found.append(
            _Evidence(CLASSIC * timing.weight * kind.transition, _with_comment(text, timing))
        )
    if not found:
        found.append(_Evidence(0.0, "No life change on the timeline"))
    elif all(e.strength == 0 for e in found):
        found.append(_Evidence(0.0, "No life change near the onset"))
    return found


_CONFLICT_FACTOR: Final = {2: 0.75, 3: 1.0}
_DISPUTE_CLOSENESS: Final = {1: 1.0, 2: 0.85, 3: 0.4, None: 0.6}


def _dispute(case: Case) -> list[_Evidence]:
    found: list[_Evidence] = []
    for person in case.people:
        if person.conflict is None or person.conflict < 2:
            continue
        conflict = f"Conflict with {person.described}: conflict {person.conflict} of 3"
        if person.deceased:
            found.append(_Evidence(0.0, f"{conflict}, but they have died"))
            continue
        if person.ended:
            found.append(_Evidence(0.0, f"{conflict}, but the relationship has ended"))
            continue
        strength = (
            CLASSIC * _CONFLICT_FACTOR[person.conflict] * _DISPUTE_CLOSENESS[person.closeness]
        )
        if person.closeness in (1, 2):
            text = (
                f"Current conflict with {person.described}: conflict {person.conflict} of 3, "
                f"a close tie (closeness {person.closeness})"
            )
        elif person.closeness == 3:
            text = f"{conflict}, but not a close tie (closeness 3)"
        else:
            text = f"{conflict}; closeness not recorded"
        found.append(_Evidence(strength, text))

    for event in case.events:
        if event.type.dispute <= 0:
            continue
        timing = _timing(event.date, case)
        named = _find_person(case, event.person)
        who = f" with {named.described if named else event.person}" if event.person else ""
        text = f"{event.type.label}{who} since {dates.day_short(event.date)}, {timing.phrase}"
        # An ongoing conflict stays current however long ago it began.
        strength = CLASSIC * event.type.dispute * max(timing.weight, 0.5)
        if named is not None and not named.is_current:
            strength *= 0.3
            text += "; but the relationship has ended" if named.ended else "; but they have died"
        elif timing.weight < 0.5:
            text += "; long-running, still counted as current"
        found.append(_Evidence(strength, text))

    if not any(e.strength > 0 for e in found):
        found.append(
            _Evidence(
                0.0,
                "No current conflict with a close person in the inventory "
                "(conflict 2+ at closeness 1–2)"
                if case.people
                else "No inventory recorded, so no conflict with a close person to weigh",
            )
        )
    return found


def _deficits(case: Case) -> list[_Evidence]:
    found: list[_Evidence] = []
    # No acute trigger: Weissman's "none of the above".
    near = [
        e for e in case.events if e.type.kind is not EventKind.OTHER and _timing(e.date, case).near
    ]
    near_what = "near the onset" if case.onset else "in the year before the assessment"
    if not case.events:
        found.append(_Evidence(0.1, "No events on the timeline yet: no acute trigger recorded"))
    elif not near:
        found.append(_Evidence(0.35, f"No loss, change or conflict on the timeline {near_what}"))
    else:
        labels = ", ".join(dict.fromkeys(e.type.label.lower() for e in near))
        found.append(_Evidence(0.0, f"An acute trigger {near_what}: {labels}"))
    for event in case.events:
        timing = _timing(event.date, case)
        if event.type.kind is EventKind.OTHER and timing.near:
            note = f" ({event.note})" if event.note else ""
            found.append(
                _Evidence(
                    0.0,
                    f"An 'other' event {timing.phrase}{note}: is it a loss, a change or "
                    "a conflict?",
                )
            )

    if case.onset is None:
        found.append(
            _Evidence(0.2, "No onset recorded: the difficulty may be long-standing (ask when)")
        )
    else:
        days = (case.assessed_on - case.onset).days
        since = f"Onset {_span(days)} before the assessment" if days else "Onset at assessment"
        if days >= 730:
            found.append(_Evidence(0.4, f"{since}: long-standing"))
        elif days >= 365:
            found.append(_Evidence(0.2, f"{since}: fairly long-standing"))
        else:
            found.append(_Evidence(0.0, f"{since}: recent, not long-standing"))

    current = [p for p in case.people if p.is_current]
    if not case.people:
        found.append(_Evidence(0.0, "No inventory recorded yet, so closeness is not weighed"))
    else:
        inner = [p for p in current if p.closeness == 1]
        if not inner:
            found.append(_Evidence(0.4, "Nobody at closeness 1 in the inventory"))
        elif len(inner) == 1:
            found.append(_Evidence(0.3, f"Only one person at closeness 1: {inner[0].described}"))
        else:
            found.append(_Evidence(0.0, f"{len(inner)} people at closeness 1: not isolated"))
        if len(current) <= 2:
            count = {0: "No current relationships", 1: "Only 1 current relationship"}.get(
                len(current), f"Only {len(current)} current relationships"
            )
            found.append(_Evidence(0.25, f"{count} in the inventory"))
        rated = [p for p in current if p.support is not None]
        if rated and not any(p.support is not None and p.support >= 2 for p in rated):
            found.append(_Evidence(0.2, "Nobody in the inventory gives much support (2+ of 3)"))
    return found


# --- Narrative cues ----------------------------------------------------------------------

_CUES: Final[dict[FocusArea, tuple[re.Pattern[str], ...]]] = {
    area: tuple(re.compile(p, re.IGNORECASE) for p in patterns)
    for area, patterns in {
        GRIEF: (
            r"\b(died|passed away|funeral|bereave\w*|mourn\w*|grie(?:f|ve|ves|ved|ving)"
            r"|widow\w*)\b",
            r"\bmiss(?:es|ed|ing)? (?:him|her|them)\b",
            r"\blost (?:my|our|his|her) (?:mum|mom|mother|dad|father|husband|wife|partner"
            r"|son|daughter|child|baby|brother|sister|friend|gran\w*|grand\w+)\b",
        ),
        DISPUTE: (
            r"\b(argu\w*|fight\w*|fought|quarrel\w*|shout\w*|yell\w*|resent\w*"
            r"|disagree\w*|stuck)\b",
            r"\b(?:a|another|constant) rows?\b",
            r"\b(?:stopped (?:talking|speaking)|silent treatment|won'?t listen"
            r"|doesn'?t listen|never listens|round in circles)\b",
        ),
        TRANSITION: (
            r"\b(?:since|after) (?:the|my|our) (?:move|birth|baby|wedding|divorce|separation"
            r"|diagnosis|retirement|redundancy|promotion|operation|accident)\b",
            r"\b(moved|relocated|retired|laid off|made redundant|promoted|pregnan\w*"
            r"|diagnosed|adjust\w*)\b",
            r"\bnew (?:job|school|role|city|country|town|baby|house|home)\b",
            r"\b(?:lost|losing) (?:my|his|her) job\b",
        ),
        DEFICITS: (
            r"\b(always|lonel\w*|alone|isolat\w*|shy|awkward)\b",
            r"\b(?:never had|no|have no|don'?t have any) (?:real |close )?friends\b",
            r"\b(?:no ?one|nobody) to (?:talk|turn) to\b",
        ),
    }.items()
}


def _cues(area: FocusArea, narrative: str) -> list[_Evidence]:
    hits = sorted(
        (m.start(), m.group(0)) for pattern in _CUES[area] for m in pattern.finditer(narrative)
    )
    words = list(dict.fromkeys(text.casefold() for _, text in hits))
    if not words:
        return []
    quoted = ", ".join(f"“{w}”" for w in words[:MAX_CUES])
    more = f" and {len(words) - MAX_CUES} more" if len(words) > MAX_CUES else ""
    strength = _combine([CUE_STRENGTH] * min(len(words), MAX_CUES))
    return [_Evidence(strength, f"Narrative mentions {quoted}{more}")]


# --- Ranking -----------------------------------------------------------------------------


def _ordered(evidence: list[_Evidence]) -> list[_Evidence]:
    # Strongest first; sorted() is stable, so equal strengths keep the order found.
    return sorted(evidence, key=lambda e: -e.strength)


def suggest(case: Case) -> list[Suggestion]:
    """All four focus areas, best first, each with a score 0..1 and readable reasons."""
    evidence = {
        GRIEF: _grief(case),
        DISPUTE: _dispute(case),
        TRANSITION: _transition(case),
        DEFICITS: _deficits(case),
    }
    for area, found in evidence.items():
        found.extend(_cues(area, case.narrative))
    raw = {area: _combine(e.strength for e in found) for area, found in evidence.items()}
    reasons = {area: [e.reason for e in _ordered(found)] for area, found in evidence.items()}

    # Deficits only when the other three are absent (Weissman's "none of the above").
    strongest_other = max((GRIEF, DISPUTE, TRANSITION), key=lambda a: raw[a])
    other = raw[strongest_other]
    score = dict(raw)
    score[DEFICITS] = raw[DEFICITS] * (1 - DEFICITS_DAMPING * other)
    if other >= 0.1 and raw[DEFICITS] > 0:
        reasons[DEFICITS].append(
            f"Damped by the evidence for {_label(strongest_other)} ({other:.2f}): deficits "
            "is chosen only when the other three areas are absent"
        )

    rounded = {area: round(value, 2) for area, value in score.items()}
    ranking = sorted(FOCUS_AREA_ORDER, key=lambda a: (-rounded[a], FOCUS_AREA_ORDER.index(a)))
    best = ranking[0]
    for rival in ranking[1:]:
        if rounded[rival] >= CLOSE_CALL_FLOOR and rounded[best] - rounded[rival] <= CLOSE_CALL_GAP:
            reasons[best].append(_close_call(rival, rounded[rival], reasons[rival][0]))
            reasons[rival].append(_close_call(best, rounded[best], reasons[best][0]))
    return [Suggestion(area, rounded[area], reasons[area]) for area in ranking]


def _label(area: FocusArea) -> str:
    return FOCUS_AREA_LABELS[area].lower()


def _close_call(other: FocusArea, other_score: float, other_reason: str) -> str:
    main_evidence = re.split(r"[;:]", other_reason, maxsplit=1)[0]
    return (
        f"Close call with {_label(other)} ({other_score:.2f}): {main_evidence}. Ask the client "
        "which the depression followed; both may be chosen (two areas at most)"
    )
