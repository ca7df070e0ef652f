"""The `iptcare` command: our pure-Python tools, and every Django management command."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def _pure_commands() -> dict[str, Callable[[list[str]], int]]:
    # Imported lazily: these need no Django and should start fast.
    from iptcare.formulation.cli import suggest_focus_main
    from iptcare.measures.cli import outcome_main, score_main

    return {"score": score_main, "outcome": outcome_main, "suggest-focus": suggest_focus_main}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in {"score", "outcome", "suggest-focus"}:
        return _pure_commands()[argv[1]](argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
