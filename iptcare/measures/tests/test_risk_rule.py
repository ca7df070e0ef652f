"""One risk rule: the crisis box shown while the client answers asks the scoring module,
so it cannot drift from the flag that scoring raises."""

from __future__ import annotations

import pytest

from iptcare.measures import instruments, scoring, views
from iptcare.measures.instruments import Instrument
from iptcare.measures.scoring import Answer

WITH_SAFETY_ITEMS = [
    instruments.get(code)
    for code in instruments.QUESTIONNAIRE_CODES
    if instruments.get(code).risk_items
    or any(extra.risk_if_yes for extra in instruments.get(code).extras)
]


def _cases(instrument: Instrument) -> list[tuple[list[Answer], dict[str, object]]]:
    """Each option of each safety item alone, and yes/no on each safety question."""
    blank: list[Answer] = [None] * instrument.item_count
    cases: list[tuple[list[Answer], dict[str, object]]] = []
    for rule in instrument.risk_items:
        for position in range(len(instrument.item(rule.item).options)):
            answers = list(blank)
            answers[rule.item - 1] = position
            cases.append((answers, {}))
    for extra in instrument.extras:
        if extra.risk_if_yes:
            cases += [(list(blank), {extra.key: True}), (list(blank), {extra.key: False})]
    return cases


def _card(instrument: Instrument, answers: list[object], extras: dict[str, object]) -> bool:
    """Whether the form, given these answers as posted, shows the crisis card."""
    values = {f"item_{n}": str(a) for n, a in enumerate(answers, start=1) if a is not None}
    for key, reply in extras.items():
        if reply is not None:
            values[f"extra_{key}"] = (
                ("yes" if reply else "no") if reply in (True, False) else str(reply)
            )
    return bool(views._form_context(instrument, values, {}, ipt_a=False)["risky"])


@pytest.mark.parametrize("instrument", WITH_SAFETY_ITEMS, ids=lambda i: i.code)
def test_the_crisis_box_and_the_risk_flag_agree_on_every_safety_answer(
    instrument: Instrument,
) -> None:
    cases = _cases(instrument)
    assert cases
    for answers, extras in cases:
        flagged = scoring.score(instrument.code, answers, extras=extras).risk
        as_posted: list[object] = list(answers)
        assert _card(instrument, as_posted, extras) is flagged, (answers, extras)


def test_the_epds_self_harm_item_is_risky_by_its_score_not_its_position() -> None:
    epds = instruments.get("epds")
    answers: list[object] = [None] * epds.item_count
    answers[9] = 0  # the first option of item 10 is "Yes, quite often": it scores 3
    assert _card(epds, answers, {})
    answers[9] = 3  # "Never" scores 0
    assert not _card(epds, answers, {})


def test_the_page_asks_the_scoring_module(monkeypatch: pytest.MonkeyPatch) -> None:
    phq9 = instruments.get("phq9")
    calm: list[object] = [0] * phq9.item_count
    assert not _card(phq9, calm, {})
    monkeypatch.setattr(scoring, "risky_items", lambda *args, **kwargs: (9,))
    assert _card(phq9, calm, {})
