"""The questionnaires IPTCare administers, as plain data.

Pure Python on purpose: scoring, the portal forms, the FHIR export and the tests all read
the same definitions, and none of them needs Django to do it. The binding rules are in
``shared/domain/measures.md`` §0; LOINC codes are only those confirmed there (§6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

NOT_APPLICABLE: Final = "na"
"""The answer a client gives to the WSAS work item when they do not work for reasons
unrelated to their problem. Scoring treats it like a missing item (§0)."""


@dataclass(frozen=True)
class Option:
    """One answer on the form, in the order the client sees it."""

    label: str
    score: int
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    number: int  # 1-based, as printed on the published form
    text: str
    options: tuple[Option, ...]
    loinc: str | None = None
    # Label of the "does not apply to me" tick box, for the one item that has it (WSAS work).
    not_applicable: str | None = None


@dataclass(frozen=True)
class Band:
    lo: int
    hi: int  # inclusive
    key: str  # stable identifier stored and exported, e.g. "moderately_severe"
    label: str  # what a therapist reads, e.g. "Moderately severe"


@dataclass(frozen=True)
class RiskItem:
    """An item whose score at or above ``min_score`` needs a same-day risk review."""

    item: int
    min_score: int = 1


@dataclass(frozen=True)
class ExtraQuestion:
    """An unscored question printed with the instrument (difficulty, yes/no safety items).

    ``kind`` tells scoring what to accept: "choice" takes the option position (an int),
    "yes_no" takes a bool.
    """

    key: str
    text: str
    kind: Literal["choice", "yes_no"]
    options: tuple[Option, ...]
    loinc: str | None = None
    risk_if_yes: bool = False


@dataclass(frozen=True)
class Instrument:
    code: str
    short_name: str
    name: str
    instructions: str
    recall_period: str | None
    items: tuple[Item, ...]
    score_range: tuple[int, int]
    bands: tuple[Band, ...]
    # How many items may be missing (WSAS: "not applicable" counts) and still be prorated.
    max_prorated_missing: int
    copyright: str
    citation: str
    kind: Literal["questionnaire", "session_rating"] = "questionnaire"
    caseness_threshold: int | None = None  # a case when total >= this (§0, outcomes)
    risk_items: tuple[RiskItem, ...] = ()
    extras: tuple[ExtraQuestion, ...] = ()
    # Items that deserve a clinician's eye without raising the risk flag (PCL-5 item 16).
    attention_items: tuple[int, ...] = ()
    loinc_panel: str | None = None
    loinc_total: str | None = None
    enabled_by_default: bool = True

    @property
    def item_count(self) -> int:
        return len(self.items)

    def item(self, number: int) -> Item:
        return self.items[number - 1]

    def extra(self, key: str) -> ExtraQuestion | None:
        return next((extra for extra in self.extras if extra.key == key), None)

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.lo <= total <= band.hi:
                return band
        raise ValueError(f"{self.short_name} total {total} is outside {self.score_range}")


class UnknownInstrumentError(LookupError):
    pass


# --- shared answer scales ---------------------------------------------------------------

# LOINC answer list LL358-3 (§6), used by the PHQ-9 and GAD-7 panels alike.
_PHQ_FREQUENCY = (
    Option("Not at all", 0, "LA6568-5"),
    Option("Several days", 1, "LA6569-3"),
    Option("More than half the days", 2, "LA6570-1"),
    Option("Nearly every day", 3, "LA6571-9"),
)
# The teen panel's answer codes are not confirmed in §6, so the labels stand alone.
_PHQA_FREQUENCY = tuple(Option(option.label, option.score) for option in _PHQ_FREQUENCY)

# Answer codes as in the US Core PHQ-9 Questionnaire (note LA6575-0 is "Very").
_PHQ_DIFFICULTY = (
    Option("Not difficult at all", 0, "LA6572-7"),
    Option("Somewhat difficult", 1, "LA6573-5"),
    Option("Very difficult", 2, "LA6575-0"),
    Option("Extremely difficult", 3, "LA6574-3"),
)
_PHQA_DIFFICULTY = tuple(Option(option.label, option.score) for option in _PHQ_DIFFICULTY)

_YES_NO = (Option("Yes", 1, "LA33-6"), Option("No", 0, "LA32-8"))

_PCL5_SEVERITY = (
    Option("Not at all", 0),
    Option("A little bit", 1),
    Option("Moderately", 2),
    Option("Quite a bit", 3),
    Option("Extremely", 4),
)

_WSAS_ANCHORS = {0: "Not at all", 2: "Slightly", 4: "Definitely", 6: "Markedly", 8: "Very severely"}
_WSAS_IMPAIRMENT = tuple(
    Option(f"{n} – {_WSAS_ANCHORS[n]}" if n in _WSAS_ANCHORS else str(n), n) for n in range(9)
)

_PHQ_COPYRIGHT = (
    "Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, "
    "Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from "
    "Pfizer Inc. No permission required to reproduce, translate, display or distribute."
)

_PHQ_BANDS = (
    Band(0, 4, "minimal", "Minimal"),
    Band(5, 9, "mild", "Mild"),
    Band(10, 14, "moderate", "Moderate"),
    Band(15, 19, "moderately_severe", "Moderately severe"),
    Band(20, 27, "severe", "Severe"),
)


def _frequency_items(
    texts: tuple[str, ...], options: tuple[Option, ...], loinc: tuple[str, ...] | None = None
) -> tuple[Item, ...]:
    codes: tuple[str | None, ...] = loinc if loinc is not None else (None,) * len(texts)
    return tuple(
        Item(number, text, options, code)
        for number, (text, code) in enumerate(zip(texts, codes, strict=True), start=1)
    )


# --- PHQ-9 ------------------------------------------------------------------------------

PHQ9 = Instrument(
    code="phq9",
    short_name="PHQ-9",
    name="Patient Health Questionnaire-9",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    recall_period="last 2 weeks",
    items=_frequency_items(
        (
            "Little interest or pleasure in doing things",
            "Feeling down, depressed, or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
            "Feeling bad about yourself — or that you are a failure or have let yourself "
            "or your family down",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual",
            "Thoughts that you would be better off dead or of hurting yourself in some way",
        ),
        _PHQ_FREQUENCY,
        (
            "44250-9",
            "44255-8",
            "44259-0",
            "44254-1",
            "44251-7",
            "44258-2",
            "44252-5",
            "44253-3",
            "44260-8",
        ),
    ),
    score_range=(0, 27),
    bands=_PHQ_BANDS,
    max_prorated_missing=2,
    caseness_threshold=10,
    risk_items=(RiskItem(9),),
    extras=(
        ExtraQuestion(
            key="difficulty",
            text=(
                "If you checked off any problems, how difficult have these problems made it "
                "for you to do your work, take care of things at home, or get along with "
                "other people?"
            ),
            kind="choice",
            options=_PHQ_DIFFICULTY,
            loinc="69722-7",
        ),
    ),
    loinc_panel="44249-1",
    loinc_total="44261-6",
    copyright=_PHQ_COPYRIGHT,
    citation=(
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med. 2001;16(9):606-613."
    ),
)

# --- GAD-7 ------------------------------------------------------------------------------

GAD7 = Instrument(
    code="gad7",
    short_name="GAD-7",
    name="Generalized Anxiety Disorder 7-item scale",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    recall_period="last 2 weeks",
    items=_frequency_items(
        (
            "Feeling nervous, anxious, or on edge",
            "Not being able to stop or control worrying",
            "Worrying too much about different things",
            "Trouble relaxing",
            "Being so restless that it is hard to sit still",
            "Becoming easily annoyed or irritable",
            "Feeling afraid, as if something awful might happen",
        ),
        _PHQ_FREQUENCY,
        ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
    ),
    score_range=(0, 21),
    bands=(
        Band(0, 4, "minimal", "Minimal"),
        Band(5, 9, "mild", "Mild"),
        Band(10, 14, "moderate", "Moderate"),
        Band(15, 21, "severe", "Severe"),
    ),
    max_prorated_missing=1,
    caseness_threshold=8,  # NHS Talking Therapies caseness, not the paper's 10 (§0)
    loinc_panel="69737-5",
    loinc_total="70274-6",
    copyright=_PHQ_COPYRIGHT,
    citation=(
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing "
        "generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097."
    ),
)

# --- PHQ-A (PHQ-9 modified for teens) ---------------------------------------------------

# Item 1 is mood (with irritability) and item 2 anhedonia: the reverse of the adult order,
# so compare items with adult data by meaning, never by position.
PHQA = Instrument(
    code="phqa",
    short_name="PHQ-A",
    name="PHQ-9 Modified for Teens (PHQ-A)",
    instructions=(
        "How often have you been bothered by each of the following symptoms during the past "
        "two weeks? For each symptom, choose the answer that best describes how you have "
        "been feeling."
    ),
    recall_period="past 2 weeks",
    items=_frequency_items(
        (
            "Feeling down, depressed, irritable, or hopeless?",
            "Little interest or pleasure in doing things?",
            "Trouble falling asleep, staying asleep, or sleeping too much?",
            "Poor appetite, weight loss, or overeating?",
            "Feeling tired, or having little energy?",
            "Feeling bad about yourself — or feeling that you are a failure, or that you have "
            "let yourself or your family down?",
            "Trouble concentrating on things like school work, reading, or watching TV?",
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you were moving around a lot more "
            "than usual?",
            "Thoughts that you would be better off dead, or of hurting yourself in some way?",
        ),
        _PHQA_FREQUENCY,
    ),
    score_range=(0, 27),
    bands=_PHQ_BANDS,
    max_prorated_missing=2,
    risk_items=(RiskItem(9),),
    extras=(
        ExtraQuestion(
            key="past_year_depressed",
            text=(
                "In the past year have you felt depressed or sad most days, even if you felt "
                "okay sometimes?"
            ),
            kind="yes_no",
            options=_YES_NO,
        ),
        ExtraQuestion(
            key="difficulty",
            text=(
                "If you are experiencing any of the problems on this form, how difficult "
                "have these problems made it for you to do your work, take care of things at "
                "home or get along with other people?"
            ),
            kind="choice",
            options=_PHQA_DIFFICULTY,
        ),
        ExtraQuestion(
            key="suicide_month",
            text=(
                "Has there been a time in the past month when you have had serious thoughts "
                "about ending your life?"
            ),
            kind="yes_no",
            options=_YES_NO,
            risk_if_yes=True,
        ),
        ExtraQuestion(
            key="attempt_ever",
            text=(
                "Have you ever, in your whole life, tried to kill yourself or made a suicide "
                "attempt?"
            ),
            kind="yes_no",
            options=_YES_NO,
            risk_if_yes=True,
        ),
    ),
    loinc_panel="89206-7",
    loinc_total="89204-2",
    copyright=_PHQ_COPYRIGHT,
    citation=(
        "Johnson JG, Harris ES, Spitzer RL, Williams JBW. The Patient Health Questionnaire "
        "for Adolescents: validation of an instrument for the assessment of mental disorders "
        "among adolescent primary care patients. J Adolesc Health. 2002;30(3):196-204."
    ),
)

# --- EPDS -------------------------------------------------------------------------------


def _epds_item(number: int, text: str, labels: tuple[str, str, str, str]) -> Item:
    # Items 1, 2 and 4 score 0→3 from the top option; every other item runs 3→0 (§1).
    scores = (0, 1, 2, 3) if number in (1, 2, 4) else (3, 2, 1, 0)
    options = tuple(Option(label, score) for label, score in zip(labels, scores, strict=True))
    return Item(number, text, options)


EPDS = Instrument(
    code="epds",
    short_name="EPDS",
    name="Edinburgh Postnatal Depression Scale",
    instructions=(
        "As you are pregnant or have recently had a baby, we would like to know how you are "
        "feeling. Please choose the answer that comes closest to how you have felt in the "
        "past 7 days, not just how you feel today."
    ),
    recall_period="past 7 days",
    items=(
        _epds_item(
            1,
            "I have been able to laugh and see the funny side of things",
            (
                "As much as I always could",
                "Not quite so much now",
                "Definitely not so much now",
                "Not at all",
            ),
        ),
        _epds_item(
            2,
            "I have looked forward with enjoyment to things",
            (
                "As much as I ever did",
                "Rather less than I used to",
                "Definitely less than I used to",
                "Hardly at all",
            ),
        ),
        _epds_item(
            3,
            "I have blamed myself unnecessarily when things went wrong",
            ("Yes, most of the time", "Yes, some of the time", "Not very often", "No, never"),
        ),
        _epds_item(
            4,
            "I have been anxious or worried for no good reason",
            ("No, not at all", "Hardly ever", "Yes, sometimes", "Yes, very often"),
        ),
        _epds_item(
            5,
            "I have felt scared or panicky for no very good reason",
            ("Yes, quite a lot", "Yes, sometimes", "No, not much", "No, not at all"),
        ),
        _epds_item(
            6,
            "Things have been getting on top of me",
            (
                "Yes, most of the time I haven't been able to cope at all",
                "Yes, sometimes I haven't been coping as well as usual",
                "No, most of the time I have coped quite well",
                "No, I have been coping as well as ever",
            ),
        ),
        _epds_item(
            7,
            "I have been so unhappy that I have had difficulty sleeping",
            ("Yes, most of the time", "Yes, sometimes", "Not very often", "No, not at all"),
        ),
        _epds_item(
            8,
            "I have felt sad or miserable",
            ("Yes, most of the time", "Yes, quite often", "Not very often", "No, not at all"),
        ),
        _epds_item(
            9,
            "I have been so unhappy that I have been crying",
            ("Yes, most of the time", "Yes, quite often", "Only occasionally", "No, never"),
        ),
        _epds_item(
            10,
            "The thought of harming myself has occurred to me",
            ("Yes, quite often", "Sometimes", "Hardly ever", "Never"),
        ),
    ),
    score_range=(0, 30),
    bands=(
        Band(0, 9, "low", "Low"),
        Band(10, 12, "possible_depression", "Possible depression"),
        Band(13, 30, "probable_depression", "Probable depression"),
    ),
    max_prorated_missing=0,
    risk_items=(RiskItem(10),),
    loinc_panel="71354-5",
    loinc_total="99046-5",
    copyright=(
        "© 1987 The Royal College of Psychiatrists. Reproduced with its citation; commercial "
        "use needs written permission from the Royal College of Psychiatrists."
    ),
    citation=(
        "Cox JL, Holden JM, Sagovsky R. Detection of postnatal depression: development of "
        "the 10-item Edinburgh Postnatal Depression Scale. Br J Psychiatry. 1987;150:782-786."
    ),
    # §0/§7: the licence for software is unsettled, so a clinic opts in.
    enabled_by_default=False,
)

# --- PCL-5 ------------------------------------------------------------------------------

PCL5 = Instrument(
    code="pcl5",
    short_name="PCL-5",
    name="PTSD Checklist for DSM-5",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Please read each problem carefully and then choose one of "
        "the answers to indicate how much you have been bothered by that problem in the "
        "past month. In the past month, how much were you bothered by:"
    ),
    recall_period="past month",
    items=_frequency_items(
        (
            "Repeated, disturbing, and unwanted memories of the stressful experience?",
            "Repeated, disturbing dreams of the stressful experience?",
            "Suddenly feeling or acting as if the stressful experience were actually "
            "happening again (as if you were actually back there reliving it)?",
            "Feeling very upset when something reminded you of the stressful experience?",
            "Having strong physical reactions when something reminded you of the stressful "
            "experience (for example, heart pounding, trouble breathing, sweating)?",
            "Avoiding memories, thoughts, or feelings related to the stressful experience?",
            "Avoiding external reminders of the stressful experience (for example, people, "
            "places, conversations, activities, objects, or situations)?",
            "Trouble remembering important parts of the stressful experience?",
            "Having strong negative beliefs about yourself, other people, or the world (for "
            "example, having thoughts such as: I am bad, there is something seriously wrong "
            "with me, no one can be trusted, the world is completely dangerous)?",
            "Blaming yourself or someone else for the stressful experience or what happened "
            "after it?",
            "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
            "Loss of interest in activities that you used to enjoy?",
            "Feeling distant or cut off from other people?",
            "Trouble experiencing positive feelings (for example, being unable to feel "
            "happiness or have loving feelings for people close to you)?",
            "Irritable behavior, angry outbursts, or acting aggressively?",
            "Taking too many risks or doing things that could cause you harm?",
            'Being "superalert" or watchful or on guard?',
            "Feeling jumpy or easily startled?",
            "Having difficulty concentrating?",
            "Trouble falling or staying asleep?",
        ),
        _PCL5_SEVERITY,
    ),
    score_range=(0, 80),
    bands=(
        Band(0, 30, "below_threshold", "Below threshold"),
        Band(31, 80, "probable_ptsd", "Probable PTSD"),
    ),
    max_prorated_missing=0,
    # No suicide item and no flag rule in §0; item 16 (risk-taking) is shown, not flagged.
    attention_items=(16,),
    loinc_panel="101697-1",
    loinc_total="101698-9",
    copyright=(
        "Developed by the U.S. Department of Veterans Affairs National Center for PTSD. "
        "Public domain."
    ),
    citation=(
        "Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD "
        "Checklist for DSM-5 (PCL-5). 2013. National Center for PTSD, www.ptsd.va.gov."
    ),
)

# DSM-5 cluster rule reported beside the PCL-5 total (§0): an item counts as a symptom at
# 2 ("Moderately") or more; each cluster needs at least the given number of symptoms.
PCL5_SYMPTOM_PRESENT_AT = 2
PCL5_CLUSTERS: tuple[tuple[str, tuple[int, ...], int], ...] = (
    ("B", (1, 2, 3, 4, 5), 1),  # intrusion
    ("C", (6, 7), 1),  # avoidance
    ("D", (8, 9, 10, 11, 12, 13, 14), 2),  # negative cognitions and mood
    ("E", (15, 16, 17, 18, 19, 20), 2),  # arousal and reactivity
)

# --- WSAS -------------------------------------------------------------------------------

WSAS = Instrument(
    code="wsas",
    short_name="WSAS",
    name="Work and Social Adjustment Scale",
    instructions=(
        "People's problems sometimes affect their ability to do certain day-to-day tasks in "
        "their lives. To rate your problems, look at each section and decide how much your "
        "problem impairs your ability to carry out the activity. 0 means not at all "
        "impaired and 8 means very severely impaired."
    ),
    recall_period=None,  # the published form fixes none (§1)
    items=(
        Item(
            1,
            "Because of my problem my ability to work is impaired.",
            _WSAS_IMPAIRMENT,
            not_applicable=(
                "Not applicable: I am retired or choose not to have a job for reasons "
                "unrelated to my problem"
            ),
        ),
        Item(
            2,
            "Because of my problem my home management (cleaning, tidying, shopping, cooking, "
            "looking after home or children, paying bills) is impaired.",
            _WSAS_IMPAIRMENT,
        ),
        Item(
            3,
            "Because of my problem my social leisure activities (with other people, e.g. "
            "parties, bars, clubs, outings, visits, dating, home entertaining) are impaired.",
            _WSAS_IMPAIRMENT,
        ),
        Item(
            4,
            "Because of my problem my private leisure activities (done alone, such as "
            "reading, gardening, collecting, sewing, walking alone) are impaired.",
            _WSAS_IMPAIRMENT,
        ),
        Item(
            5,
            "Because of my problem my ability to form and maintain close relationships with "
            "others, including those I live with, is impaired.",
            _WSAS_IMPAIRMENT,
        ),
    ),
    score_range=(0, 40),
    bands=(
        Band(0, 9, "subclinical", "Subclinical"),
        Band(10, 20, "significant_impairment", "Significant impairment"),
        Band(21, 40, "moderately_severe_or_worse", "Moderately severe or worse"),
    ),
    max_prorated_missing=1,
    # No LOINC codes exist (§6); permission for software use is unverified (§7).
    copyright="Reproduced with the kind permission of Prof. Isaac Marks.",
    citation=(
        "Mundt JC, Marks IM, Shear MK, Greist JH. The Work and Social Adjustment Scale: a "
        "simple measure of impairment in functioning. Br J Psychiatry. 2002;180:461-464."
    ),
)

# --- session mood rating ----------------------------------------------------------------

# Adults rate 0–10, IPT-A clients 1–10 (ipt-protocol.md); 10 is always the best mood.
MOOD_RANGE_ADULT = (0, 10)
MOOD_RANGE_IPT_A = (1, 10)

MOOD = Instrument(
    code="mood",
    short_name="Mood",
    name="Session mood rating",
    instructions=(
        "How would you rate your mood over the past week, where 10 is the best you could "
        "feel? (Adults rate from 0, IPT-A clients from 1.)"
    ),
    recall_period="past week",
    items=(
        Item(
            1,
            "Mood over the past week",
            tuple(Option({0: "0 – worst", 10: "10 – best"}.get(n, str(n)), n) for n in range(11)),
        ),
    ),
    score_range=MOOD_RANGE_ADULT,
    bands=(),
    max_prorated_missing=0,
    kind="session_rating",
    copyright="IPTCare session rating; free to use.",
    citation=(
        "Mufson L, Dorta KP, Moreau D, Weissman MM. Interpersonal Psychotherapy for "
        "Depressed Adolescents. 2nd ed. New York: Guilford Press; 2004."
    ),
)

# --- registry ---------------------------------------------------------------------------

ALL: tuple[Instrument, ...] = (PHQ9, GAD7, PHQA, EPDS, PCL5, WSAS, MOOD)
_BY_CODE = {instrument.code: instrument for instrument in ALL}
QUESTIONNAIRE_CODES: tuple[str, ...] = tuple(
    instrument.code for instrument in ALL if instrument.kind == "questionnaire"
)


def get(code: str) -> Instrument:
    try:
        return _BY_CODE[code]
    except KeyError:
        known = ", ".join(_BY_CODE)
        raise UnknownInstrumentError(f"unknown instrument {code!r} (known: {known})") from None
