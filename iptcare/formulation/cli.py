"""`iptcare suggest-focus FILE.json`: focus-area suggestions as JSON.

FILE may be `-` for standard input. Exit status 0 with the suggestions on stdout; 2 on bad
usage or bad input, with a message naming the field on stderr and nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Final

from iptcare.formulation.suggest import SuggestionInputError, parse_case, suggest

__all__ = ["suggest_focus_main"]

USAGE: Final = "usage: iptcare suggest-focus FILE.json   (FILE '-' reads standard input)"
EXIT_OK: Final = 0
EXIT_BAD_INPUT: Final = 2


class _BadInput(Exception):
    pass


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _BadInput(f"{source}: not UTF-8 text") from None
    except OSError as error:
        raise _BadInput(f"{source}: cannot read ({error.strerror or error})") from None


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; they are not JSON.
    raise ValueError(f"{name} is not valid JSON")


def _load(source: str, text: str) -> Any:
    name = "stdin" if source == "-" else source
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise _BadInput(
            f"{name}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except ValueError as error:
        raise _BadInput(f"{name}: {error}") from None


def suggest_focus_main(argv: list[str]) -> int:
    """Run `iptcare suggest-focus`; argv excludes the command name. Returns the exit status."""
    if argv in (["-h"], ["--help"]):
        print(USAGE)
        return EXIT_OK
    if len(argv) != 1:
        print(USAGE, file=sys.stderr)
        return EXIT_BAD_INPUT
    source = argv[0]
    try:
        case = parse_case(_load(source, _read(source)))
    except (_BadInput, SuggestionInputError) as error:
        print(f"iptcare suggest-focus: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    output = {"suggestions": [s.as_dict() for s in suggest(case)]}
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(suggest_focus_main(sys.argv[1:]))
