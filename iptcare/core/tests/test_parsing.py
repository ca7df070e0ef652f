from __future__ import annotations

import pytest

from iptcare.core.parsing import ID_MAX, parse_choice, parse_id, parse_search, without_nul


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("42", 42),
        ("007", 7),
        (str(ID_MAX), ID_MAX),
        (3, 3),
    ],
)
def test_an_id_of_ascii_digits_is_read(raw: object, expected: int) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "0",
        "²",  # str.isdigit() says yes, int() says no
        "１",  # full-width: int() would accept it
        "٣",  # Arabic-Indic three: int() would accept it too
        "1²",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1_000",
        "1.0",
        "abc",
        str(ID_MAX + 1),
        "9" * 40,
        0,
        -5,
        True,
        1.0,
        ["1"],
    ],
)
def test_anything_else_is_no_id(raw: object) -> None:
    assert parse_id(raw) is None


def test_a_choice_is_a_position_below_the_count() -> None:
    assert parse_choice("0", 4) == 0
    assert parse_choice("3", 4) == 3
    for raw in ["4", "-1", "²", "１", "", " 1", "1.0", "9" * 40, None]:
        assert parse_choice(raw, 4) is None, raw


def test_search_words_lose_control_characters_and_are_trimmed() -> None:
    assert parse_search("  Jor\x00dan\t ") == "Jordan"
    assert parse_search("\x00") == ""
    assert parse_search("a" * 300) == "a" * 100
    assert parse_search(None) == ""


def test_free_text_loses_nul_bytes_only() -> None:
    assert without_nul("a\x00b\n\tc") == "ab\n\tc"
    assert without_nul(None) == ""
