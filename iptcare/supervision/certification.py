"""Certification standards and what a supervisee's records show of them (no Django).

A standard is data (a JSON file in `standards/`): how many cases, what each case needs,
and the consultation hours. The tracker is derived, never ticked by hand: each case's
evidence is read from the records (`selectors.certification_progress`) and checked here,
so what is missing can be said in plain words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

STANDARDS_DIR = Path(__file__).parent / "standards"
DEFAULT_STANDARD = "three-supervised-cases"
PHASES = ("initial", "middle", "termination")
PHASE_WORDS = {"initial": "early", "middle": "middle", "termination": "late"}
# Measures are due at intake (session 1) and then every four sessions: 5, 9, 13…
MEASURE_EVERY = 4
DEPRESSION_CODES = frozenset({"phq9", "phqa"})  # PHQ-A stands in for PHQ-9 in IPT-A


class StandardError(ValueError):
    """A standard's file does not say what a standard must."""


# What each case requirement is called, for the tracker's list.
REQUIREMENTS = {
    "completed": "Course completed",
    "supervised_phases": "Supervised sessions in the early, middle and late phases",
    "inventory": "Interpersonal inventory",
    "formulation": "Formulation agreed with the client",
    "self_rating": "A fidelity self-rating",
    "measures_every_4_sessions": "PHQ-9 and GAD-7 at intake and every 4 sessions",
    "rated_recording": "A recording rated by the supervisor",
}


@dataclass(frozen=True)
class Standard:
    code: str
    name: str
    summary: str
    cases: int
    case_requires: tuple[str, ...]
    consultation_hours: int


def standard_from(data: object) -> Standard:
    """A standard from its parsed JSON; StandardError names the field that is wrong."""
    if not isinstance(data, Mapping):
        raise StandardError("the file must hold one JSON object")
    for name in ("code", "name", "summary"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise StandardError(f"{name}: give a text")
    for name in ("cases", "consultation_hours"):
        value = data.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            raise StandardError(f"{name}: give a whole number from 0 to 100")
    requires = data.get("case_requires")
    if not isinstance(requires, list) or not requires:
        raise StandardError("case_requires: give a list of requirements")
    for i, requirement in enumerate(requires):
        if requirement not in REQUIREMENTS:
            raise StandardError(
                f"case_requires[{i}]: {requirement!r} is not one of {', '.join(REQUIREMENTS)}"
            )
    return Standard(
        code=data["code"],
        name=data["name"],
        summary=data["summary"],
        cases=data["cases"],
        case_requires=tuple(requires),
        consultation_hours=data["consultation_hours"],
    )


@cache
def standards() -> dict[str, Standard]:
    """The standards shipped with IPTCare, by code."""
    found = {}
    for path in sorted(STANDARDS_DIR.glob("*.json")):
        standard = standard_from(json.loads(path.read_text(encoding="utf-8")))
        found[standard.code] = standard
    return found


def standard(code: str) -> Standard:
    """The standard of that code; the default when the code is blank or unknown."""
    shipped = standards()
    return shipped.get(code) or shipped[DEFAULT_STANDARD]


@dataclass(frozen=True)
class CaseEvidence:
    """What one course's records show (gathered by the selectors)."""

    course_id: int
    label: str
    completed: bool
    phases: tuple[str, ...]  # the phases this course's protocol has
    sessions_held: int
    ended_early: bool = False
    supervised_phases: frozenset[str] = frozenset()
    inventory: bool = False
    formulation_agreed: bool = False
    self_rated: bool = False
    rated_recording: bool = False
    # (instrument code, session number) of each complete questionnaire
    measures: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True)
class Check:
    requirement: str
    done: bool
    missing: str = ""  # in plain words, when not done

    @property
    def label(self) -> str:
        return REQUIREMENTS[self.requirement]


@dataclass(frozen=True)
class CaseProgress:
    evidence: CaseEvidence
    checks: list[Check]

    @property
    def counts(self) -> bool:
        return all(check.done for check in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.done]


@dataclass(frozen=True)
class Progress:
    standard: Standard
    cases: list[CaseProgress]  # every course, those that count first
    consultation_minutes: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def counted(self) -> list[CaseProgress]:
        return [case for case in self.cases if case.counts]

    @property
    def consultation_hours(self) -> float:
        return round(self.consultation_minutes / 60, 1)

    @property
    def complete(self) -> bool:
        return not self.missing


def measure_gaps(evidence: CaseEvidence) -> list[str]:
    """The PHQ-9 and GAD-7 due and not given: at intake and in each later block of four
    sessions held (5–8, 9–12…)."""
    gaps = []
    given = evidence.measures
    for start in range(1, evidence.sessions_held + 1, MEASURE_EVERY):
        last = start if start == 1 else start + MEASURE_EVERY - 1
        block = range(0 if start == 1 else start, last + 1)
        when = "at intake" if start == 1 else f"in sessions {start}–{last}"
        depression = any((code, n) in given for code in DEPRESSION_CODES for n in block)
        anxiety = any(("gad7", n) in given for n in block)
        missing = [name for name, done in (("PHQ-9", depression), ("GAD-7", anxiety)) if not done]
        if missing:
            gaps.append(f"{' and '.join(missing)} {when}")
    return gaps


def _check(requirement: str, evidence: CaseEvidence) -> Check:
    if requirement == "completed":
        why = (
            "the course ended early" if evidence.ended_early else "the course is not completed yet"
        )
        return Check(requirement, evidence.completed, why)
    if requirement == "supervised_phases":
        lacking = [PHASE_WORDS[p] for p in evidence.phases if p not in evidence.supervised_phases]
        return Check(requirement, not lacking, f"no supervised {', '.join(lacking)} session")
    if requirement == "inventory":
        return Check(requirement, evidence.inventory, "no one is in the inventory")
    if requirement == "formulation":
        return Check(requirement, evidence.formulation_agreed, "no agreed formulation")
    if requirement == "self_rating":
        return Check(requirement, evidence.self_rated, "no session self-rated")
    if requirement == "rated_recording":
        return Check(
            requirement, evidence.rated_recording, "no supervisor's rating names a recording"
        )
    gaps = measure_gaps(evidence) if evidence.sessions_held else ["no session held"]
    return Check(requirement, not gaps, "; ".join(gaps))


def progress(
    standard: Standard, cases: Iterable[CaseEvidence], *, consultation_minutes: int = 0
) -> Progress:
    """Each case checked against the standard, and what the supervisee still needs."""
    checked = [
        CaseProgress(evidence, [_check(r, evidence) for r in standard.case_requires])
        for evidence in cases
    ]
    # Those that count first, then the nearest to counting.
    checked.sort(key=lambda case: (len(case.missing), case.evidence.course_id))
    counted = sum(1 for case in checked if case.counts)
    missing = []
    if counted < standard.cases:
        short = standard.cases - counted
        missing.append(f"{short} more case{'s' if short != 1 else ''} that count")
    if consultation_minutes < standard.consultation_hours * 60:
        hours = round((standard.consultation_hours * 60 - consultation_minutes) / 60, 1)
        missing.append(f"{hours:g} more consultation hour{'s' if hours != 1 else ''}")
    return Progress(standard, checked, consultation_minutes, missing)
