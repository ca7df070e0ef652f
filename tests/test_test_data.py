"""Tests own their data: only the demo's own tests load the demo clinic.

Every other test builds what it needs with tests/factories.py (the root conftest's cast
included), so that editing the demo's text or content breaks no test but the demo's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO_MODULE = re.compile(r"^iptcare\.\w+\.demo$|^iptcare\.clinic\.management\.commands\.demo$")
# What only the demo writes: its logins, its clinic, its password.
DEMO_TEXT = re.compile(r"@demo\.iptcare\.test|Maple Grove|iptcare-demo")


def _test_code() -> list[Path]:
    files = [REPO / "conftest.py", *sorted((REPO / "tests").rglob("*.py"))]
    files += sorted((REPO / "iptcare").glob("*/tests/**/*.py"))
    return [path for path in files if path.resolve() != Path(__file__).resolve()]


def _is_demo_test(path: Path) -> bool:
    return path.name.startswith("test_demo")


def _demo_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in {
            "call_command",
            "import_module",
        }:
            names = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            names = [f"iptcare.clinic.management.commands.{n}" if n == "demo" else n for n in names]
        else:
            continue
        found += [name for name in names if DEMO_MODULE.match(name)]
    return found


def test_only_the_demo_tests_load_the_demo() -> None:
    offenders = {
        str(path.relative_to(REPO)): imports
        for path in _test_code()
        if not _is_demo_test(path) and (imports := _demo_imports(path))
    }
    assert offenders == {}, "build test data with tests/factories.py, not the demo"


def test_no_other_test_names_the_demos_logins_or_clinic() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _test_code()
        if not _is_demo_test(path)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if DEMO_TEXT.search(line)
    ]
    assert offenders == []


def test_the_check_finds_a_demo_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "test_sneaky.py"
    sneaky.write_text(
        "from iptcare.clinic.demo import demo_load\n"
        "import iptcare.courses.demo\n"
        "from django.core.management import call_command\n"
        "call_command('demo')\n"
    )
    assert _demo_imports(sneaky) == [
        "iptcare.clinic.demo",
        "iptcare.courses.demo",
        "iptcare.clinic.management.commands.demo",
    ]
