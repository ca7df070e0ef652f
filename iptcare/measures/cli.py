"""``iptcare score`` and ``iptcare outcome``: the scoring rules from a shell.

Arguments are parsed by hand rather than with argparse because an answer of ``-``
(missing) or a stray ``-1`` looks like an option to argparse. Each command prints exactly
one JSON object on success; on any bad input it exits 2 with a message on stderr and
prints nothing on stdout, so a script can trust whatever it reads.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from iptcare.measures import instruments
from iptcare.measures.instruments import NOT_APPLICABLE, ExtraQuestion
from iptcare.measures.outcomes import OutcomeError, classify
from iptcare.measures.scoring import Answer, ScoringError, score

EXIT_OK = 0
EXIT_USAGE = 2

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")  # ASCII digits only; str.isdigit accepts "²"
_MISSING = "-"
_YES = {"y", "yes"}
_NO = {"n", "no"}

SCORE_USAGE = (
    "usage: iptcare score INSTRUMENT ANSWER... [--difficulty 0-3] "
    "[--suicide-month y|n] [--attempt-ever y|n]\n"
    f"  INSTRUMENT: {', '.join(instruments.QUESTIONNAIRE_CODES)}\n"
    "  ANSWER: the chosen option's position (0 = first option), '-' if skipped, "
    "'na' for the WSAS work item\n"
    "  --difficulty: PHQ-9/PHQ-A; --suicide-month, --attempt-ever, "
    "--past-year-depressed: PHQ-A"
)
OUTCOME_USAGE = (
    "usage: iptcare outcome --phq9 FIRST LAST --gad7 FIRST LAST --attended N\n"
    "  a score may be '-' when it was not collected"
)


class UsageError(ValueError):
    pass


def score_main(argv: list[str]) -> int:
    """Score one questionnaire given on the command line (argv excludes "score")."""
    if _wants_help(argv):
        print(SCORE_USAGE)
        return EXIT_OK
    try:
        code, answers, extras = _parse_score_args(argv)
        result = score(code, answers, extras=extras)
    except (UsageError, ScoringError) as error:
        return _fail("score", error, SCORE_USAGE)
    _emit(
        {
            "instrument": result.instrument,
            "complete": result.complete,
            "total": result.total,
            "prorated": result.prorated,
            "severity": result.severity,
            "risk": result.risk,
            "risk_items": list(result.risk_items),
        }
    )
    return EXIT_OK


def outcome_main(argv: list[str]) -> int:
    """Classify a course's outcome given on the command line (argv excludes "outcome")."""
    if _wants_help(argv):
        print(OUTCOME_USAGE)
        return EXIT_OK
    try:
        values = _parse_outcome_args(argv)
        result = classify(*values)
    except (UsageError, OutcomeError) as error:
        return _fail("outcome", error, OUTCOME_USAGE)
    _emit(
        {
            "eligible": result.eligible,
            "case_at_start": result.case_at_start,
            "reliable_improvement": result.reliable_improvement,
            "reliable_deterioration": result.reliable_deterioration,
            "recovery": result.recovery,
            "reliable_recovery": result.reliable_recovery,
            "response": result.response,
            "remission": result.remission,
        }
    )
    return EXIT_OK


def _emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, ensure_ascii=False))


def _fail(command: str, error: Exception, usage: str) -> int:
    # One line of what went wrong plus the short usage; the full help is on --help.
    print(f"iptcare {command}: {error}\n{usage.splitlines()[0]}", file=sys.stderr)
    return EXIT_USAGE


def _wants_help(argv: list[str]) -> bool:
    head = argv[: argv.index("--")] if "--" in argv else argv
    return any(token in ("-h", "--help") for token in head)


def _flag_name(question: ExtraQuestion) -> str:
    return "--" + question.key.replace("_", "-")


def _parse_score_args(argv: list[str]) -> tuple[str, list[Answer], dict[str, object]]:
    if not argv:
        raise UsageError("give an INSTRUMENT and its answers")
    code, rest = argv[0], argv[1:]
    if code not in instruments.QUESTIONNAIRE_CODES:
        known = ", ".join(instruments.QUESTIONNAIRE_CODES)
        raise UsageError(f"unknown instrument {code!r}; choose one of: {known}")
    flags = {_flag_name(question): question for question in instruments.get(code).extras}

    answers: list[Answer] = []
    extras: dict[str, object] = {}
    only_answers = False  # after a bare "--", every token is an answer
    position = 0
    while position < len(rest):
        token = rest[position]
        position += 1
        if only_answers or not token.startswith("--"):
            answers.append(_parse_answer(token))
            continue
        if token == "--":
            only_answers = True
            continue
        name, has_equals, value = token.partition("=")
        question = flags.get(name)
        if question is None:
            offered = ", ".join(flags) or "none"
            raise UsageError(f"{name} is not an option for {code} (options: {offered})")
        if not has_equals:
            if position >= len(rest):
                raise UsageError(f"{name} needs a value")
            value = rest[position]
            position += 1
        if question.key in extras:
            raise UsageError(f"{name} was given more than once")
        extras[question.key] = _parse_extra(name, question, value)
    return code, answers, extras


def _parse_answer(token: str) -> Answer:
    if token == _MISSING:
        return None
    if token.lower() == NOT_APPLICABLE:
        return NOT_APPLICABLE
    if _WHOLE_NUMBER.fullmatch(token):
        return int(token)  # range is checked by score(), which knows the options
    raise UsageError(
        f"answer {token!r} is not an option position; use 0, 1, 2…, '-' if skipped, "
        "or 'na' for the WSAS work item"
    )


def _parse_extra(name: str, question: ExtraQuestion, value: str) -> object:
    if question.kind == "yes_no":
        if value.lower() in _YES:
            return True
        if value.lower() in _NO:
            return False
        raise UsageError(f"{name} takes y or n, not {value!r}")
    if not _WHOLE_NUMBER.fullmatch(value):
        raise UsageError(f"{name} takes an option position 0–{len(question.options) - 1}")
    return int(value)


def _parse_outcome_args(
    argv: list[str],
) -> tuple[int | None, int | None, int | None, int | None, int]:
    arity = {"--phq9": 2, "--gad7": 2, "--attended": 1}
    seen: dict[str, list[str]] = {}
    position = 0
    while position < len(argv):
        name = argv[position]
        if name not in arity:
            raise UsageError(f"unexpected {name!r}")
        if name in seen:
            raise UsageError(f"{name} was given more than once")
        values = argv[position + 1 : position + 1 + arity[name]]
        if len(values) != arity[name] or any(value in arity for value in values):
            raise UsageError(f"{name} needs {arity[name]} value(s)")
        seen[name] = values
        position += 1 + arity[name]
    absent = [name for name in arity if name not in seen]
    if absent:
        raise UsageError(f"missing {', '.join(absent)}")

    phq9_first, phq9_last = (_parse_outcome_score("--phq9", v) for v in seen["--phq9"])
    gad7_first, gad7_last = (_parse_outcome_score("--gad7", v) for v in seen["--gad7"])
    attended_token = seen["--attended"][0]
    if not re.fullmatch(r"[0-9]+", attended_token):
        raise UsageError(f"--attended takes a whole number ≥ 0, not {attended_token!r}")
    return phq9_first, phq9_last, gad7_first, gad7_last, int(attended_token)


def _parse_outcome_score(name: str, token: str) -> int | None:
    if token == _MISSING:
        return None
    if not _WHOLE_NUMBER.fullmatch(token):
        raise UsageError(f"{name} scores are whole numbers (or '-' if missing), not {token!r}")
    return int(token)  # range is checked by classify()
