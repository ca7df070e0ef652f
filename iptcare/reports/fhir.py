"""The FHIR R4 export: records read by `selectors.fhir_records_for` become one Bundle.

No database here: the builder turns the loaded rows into resources, each built and
validated by its `fhir.resources.R4B` model (R4B is the package's R4-compatible release;
its top-level modules are R5). The mapping is documented in docs/fhir.md.

Ids are uuid5 of the clinic, the kind of record and its primary key, and the Bundle
carries no export time, so two exports of the same records are byte for byte the same.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from iptcare.measures import instruments
from iptcare.measures.instruments import Instrument, Option

if TYPE_CHECKING:
    from iptcare.accounts.models import User
    from iptcare.clients.models import Client
    from iptcare.clinic.models import Clinic
    from iptcare.courses.models import Course, SessionNote
    from iptcare.formulation.models import FocusAreaChoice, Formulation
    from iptcare.measures.models import QuestionnaireResponse as ResponseRow
    from iptcare.measures.models import RiskFlag

FHIR_CONTENT_TYPE = "application/fhir+json"

# IPTCare's own names (stable: changing one breaks every receiver's mapping).
BASE = "https://iptcare.example/fhir"
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
QUESTIONNAIRE_URL = BASE + "/Questionnaire/"  # + instrument code, e.g. .../phq9
INSTRUMENT_SYSTEM = BASE + "/CodeSystem/instrument"
ANSWER_SYSTEM = BASE + "/CodeSystem/instrument-answer"
SEVERITY_SYSTEM = BASE + "/CodeSystem/severity-band"
FOCUS_AREA_SYSTEM = BASE + "/CodeSystem/focus-area"
PROTOCOL_SYSTEM = BASE + "/CodeSystem/protocol"
THERAPIST_KIND_SYSTEM = BASE + "/CodeSystem/therapist-kind"
CHART_NUMBER_SYSTEM = BASE + "/NamingSystem/chart-number"
REGISTRATION_SYSTEM = BASE + "/NamingSystem/registration-number"

LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

# Course status -> EpisodeOfCare.status (an ended course is finished, however it ended).
EPISODE_STATUS = {
    "assessment": "active",
    "active": "active",
    "ending": "active",
    "completed": "finished",
    "ended_early": "finished",
}
CAREPLAN_STATUS = {"active": "active", "finished": "completed"}
# Formulation.contract_frequency -> Timing.repeat (period, unit).
CONTRACT_PERIOD = {"weekly": (1, "wk"), "fortnightly": (2, "wk"), "monthly": (1, "mo")}


@dataclass
class ClientRecords:
    """One client's records, loaded together (see `selectors.fhir_records_for`)."""

    client: Client
    courses: list[Course] = field(default_factory=list)
    attended_notes: list[SessionNote] = field(default_factory=list)
    responses: list[ResponseRow] = field(default_factory=list)  # answers prefetched
    focus_areas: list[FocusAreaChoice] = field(default_factory=list)
    formulations: list[Formulation] = field(default_factory=list)
    flags: list[RiskFlag] = field(default_factory=list)


@dataclass
class ExportRecords:
    clinic: Clinic
    therapists: list[User]  # with therapist_profile loaded (None for staff without one)
    clients: list[ClientRecords]


def resource_id(clinic_id: int, kind: str, key: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{clinic_id}/{kind}/{key}"))


def questionnaire_url(code: str) -> str:
    return QUESTIONNAIRE_URL + code


class Bundler:
    """Collects resources once each, in the order first met, with references to them."""

    def __init__(self, clinic_id: int) -> None:
        self.clinic_id = clinic_id
        # Each resource as the JSON object it is written as, checked by its R4B model when
        # added. Written from these objects: the models' own serializer walks every field
        # again and took two thirds of an export's time (profiled: 340 of 550 ms).
        self.entries: dict[str, dict[str, Any]] = {}

    def ref(self, kind: str, key: object) -> dict[str, str]:
        return {"reference": f"urn:uuid:{resource_id(self.clinic_id, kind, key)}"}

    def id(self, kind: str, key: object) -> str:
        return resource_id(self.clinic_id, kind, key)

    def has(self, kind: str, key: object) -> bool:
        return f"urn:uuid:{self.id(kind, key)}" in self.entries

    def add(self, kind: str, key: object, model: type[Resource], data: dict[str, Any]) -> None:
        rid = self.id(kind, key)
        full_url = f"urn:uuid:{rid}"
        if full_url not in self.entries:
            resource = {"resourceType": model.get_resource_type(), "id": rid, **_pruned(data)}
            model.model_validate(resource)  # raises on anything FHIR R4 does not allow
            self.entries[full_url] = resource

    def bundle(self, key: object) -> dict[str, Any]:
        """The Bundle as JSON data; its resources were each validated as they were added,
        and its own shape is Bundle's (checked by the tests, which parse the output)."""
        return {
            "resourceType": Bundle.get_resource_type(),
            "id": self.id("bundle", key),
            "type": "collection",
            "entry": [{"fullUrl": url, "resource": res} for url, res in self.entries.items()],
        }


def _pruned(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _pruned(value)
        elif isinstance(value, list):
            value = [_pruned(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in ("", None, {}, [])]
        if value in ("", None, {}, []):
            continue
        out[key] = value
    return out


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _instant(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _coding(system: str, code: str, display: str = "") -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def build_bundle(records: ExportRecords, *, key: object) -> dict[str, Any]:
    """The Bundle (type collection) of every record in `records`; `key` names it (the
    client's pk for one client, "clinic" for the whole clinic) so its id is stable too."""
    out = Bundler(records.clinic.pk)
    add_records(out, records)
    return out.bundle(key)


def add_records(out: Bundler, records: ExportRecords) -> None:
    """Add `records` to a Bundle being built (the clinic export adds a step at a time;
    the clinic and a therapist met again are not added twice)."""
    _organization(out, records.clinic)
    for user in records.therapists:
        _practitioner(out, user)
    for one in records.clients:
        _client(out, one)


def bundle_json(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


def _organization(out: Bundler, clinic: Clinic) -> None:
    out.add(
        "organization",
        clinic.pk,
        Organization,
        {
            "active": True,
            "name": clinic.name,
            "telecom": [
                {"system": "phone", "value": clinic.phone} if clinic.phone else None,
                {"system": "email", "value": clinic.email} if clinic.email else None,
            ],
            "address": [{"text": clinic.address}] if clinic.address else None,
        },
    )


def _practitioner(out: Bundler, user: User) -> None:
    profile = getattr(user, "therapist_profile", None)
    qualification = []
    if profile is not None and (profile.profession or profile.credentials):
        qualification.append(
            {
                "code": {"text": profile.profession or profile.credentials},
                "identifier": [
                    {"system": REGISTRATION_SYSTEM, "value": profile.registration_number}
                ]
                if profile.registration_number
                else None,
                "issuer": {"display": profile.regulatory_college}
                if profile.regulatory_college
                else None,
            }
        )
    out.add(
        "practitioner",
        user.pk,
        Practitioner,
        {
            "active": user.is_active,
            "name": [{"text": user.full_name or user.email}],
            "qualification": qualification,
        },
    )
    if profile is not None:
        out.add(
            "practitioner-role",
            user.pk,
            PractitionerRole,
            {
                "active": user.is_active,
                "practitioner": out.ref("practitioner", user.pk),
                "organization": out.ref("organization", profile.clinic_id),
                "code": [
                    {
                        "coding": [
                            _coding(THERAPIST_KIND_SYSTEM, profile.kind, profile.get_kind_display())
                        ]
                    }
                ],
            },
        )


def _client(out: Bundler, one: ClientRecords) -> None:
    client = one.client
    patient = out.ref("patient", client.pk)
    organization = out.ref("organization", client.clinic_id)
    _patient(out, client)
    notes_by_session: dict[tuple[int, int], SessionNote] = {}
    for course in one.courses:
        _episode(out, course)
    for note in one.attended_notes:
        notes_by_session[(note.course_id, note.number)] = note
        out.add(
            "encounter",
            note.pk,
            Encounter,
            {
                "status": "finished",
                "class": _coding(ACT_CODE, "AMB", "ambulatory"),
                "type": [{"text": f"IPT session {note.number}"}],
                "subject": patient,
                "episodeOfCare": [out.ref("episode", note.course_id)],
                "participant": [{"individual": out.ref("practitioner", note.author_id)}]
                if out.has("practitioner", note.author_id)
                else None,
                "period": {"start": _day(note.date), "end": _day(note.date)},
                "serviceProvider": organization,
            },
        )
    for response in one.responses:
        encounter = notes_by_session.get((response.course_id, response.session_number))
        _response(out, response, patient, encounter)
    goals_by_course: dict[int, list[dict[str, str]]] = {}
    areas_by_course: dict[int, list[FocusAreaChoice]] = {}
    for area in one.focus_areas:
        areas_by_course.setdefault(area.course_id, []).append(area)
        for number, line in enumerate(_goal_lines(area.goals), start=1):
            key = f"{area.pk}.{number}"
            out.add(
                "goal",
                key,
                Goal,
                {
                    "lifecycleStatus": "active" if area.archived_at is None else "cancelled",
                    "category": [
                        {"coding": [_coding(FOCUS_AREA_SYSTEM, area.area, area.get_area_display())]}
                    ],
                    "description": {"text": line},
                    "subject": patient,
                },
            )
            goals_by_course.setdefault(area.course_id, []).append(out.ref("goal", key))
    formulations = {f.course_id: f for f in one.formulations}
    for course in one.courses:
        _care_plan(
            out,
            course,
            patient,
            areas_by_course.get(course.pk, []),
            goals_by_course.get(course.pk, []),
            formulations.get(course.pk),
        )
    for flag in one.flags:
        out.add(
            "flag",
            flag.pk,
            Flag,
            {
                "status": "active" if flag.is_open else "inactive",
                "category": [{"coding": [_coding(FLAG_CATEGORY, "safety", "Safety")]}],
                "code": {"text": flag.reason},
                "subject": patient,
                "period": {"start": _instant(flag.raised_at), "end": _instant(flag.closed_at)},
                "encounter": None,
            },
        )


def _patient(out: Bundler, client: Client) -> None:
    contact = None
    if client.emergency_contact_name or client.emergency_contact_phone:
        contact = [
            {
                "relationship": [{"text": client.emergency_contact_relation}]
                if client.emergency_contact_relation
                else [{"text": "Emergency contact"}],
                "name": {"text": client.emergency_contact_name},
                "telecom": [{"system": "phone", "value": client.emergency_contact_phone}]
                if client.emergency_contact_phone
                else None,
            }
        ]
    out.add(
        "patient",
        client.pk,
        Patient,
        {
            "identifier": [
                {
                    "use": "usual",
                    "system": CHART_NUMBER_SYSTEM,
                    "value": client.chart_number,
                    "assigner": out.ref("organization", client.clinic_id),
                }
            ],
            "active": client.status != "discharged",
            "name": [
                {"use": "official", "text": client.legal_name},
                {"use": "usual", "text": client.preferred_name} if client.preferred_name else None,
            ],
            "telecom": [
                {"system": "phone", "value": client.phone} if client.phone else None,
                {"system": "email", "value": client.email} if client.email else None,
            ],
            "birthDate": _day(client.date_of_birth),
            "contact": contact,
            "managingOrganization": out.ref("organization", client.clinic_id),
        },
    )


def _episode(out: Bundler, course: Course) -> None:
    out.add(
        "episode",
        course.pk,
        EpisodeOfCare,
        {
            "status": EPISODE_STATUS.get(course.status, "active"),
            "type": [
                {
                    "coding": [
                        _coding(PROTOCOL_SYSTEM, course.protocol, course.get_protocol_display())
                    ]
                }
            ],
            "patient": out.ref("patient", course.client_id),
            "managingOrganization": out.ref("organization", course.clinic_id),
            "period": {"start": _day(course.start_date), "end": _day(course.ended_on)},
            "careManager": out.ref("practitioner", course.therapist_id)
            if out.has("practitioner", course.therapist_id)
            else None,
        },
    )


def _answer_coding(instrument: Instrument, item: str, position: int, option: Option) -> dict:
    if option.loinc:
        coding = _coding(LOINC, option.loinc, option.label)
    else:
        coding = _coding(ANSWER_SYSTEM, f"{instrument.code}.{item}.{position}", option.label)
    coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.score}]  # type: ignore[assignment]  # a Coding dict holds strs; FHIR's extension is a list
    return coding


def _questionnaire(out: Bundler, instrument: Instrument) -> None:
    if out.has("questionnaire", instrument.code):
        return
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        options = [
            {"valueCoding": _answer_coding(instrument, str(item.number), position, option)}
            for position, option in enumerate(item.options)
        ]
        if item.not_applicable:
            options.append(
                {
                    "valueCoding": _coding(
                        ANSWER_SYSTEM, f"{instrument.code}.{item.number}.na", item.not_applicable
                    )
                }
            )
        items.append(
            {
                "linkId": str(item.number),
                "text": item.text,
                "type": "choice",
                "code": [_coding(LOINC, item.loinc)] if item.loinc else None,
                "answerOption": options,
            }
        )
    for extra in instrument.extras:
        items.append(
            {
                "linkId": extra.key,
                "text": extra.text,
                "type": "choice",
                "code": [_coding(LOINC, extra.loinc)] if extra.loinc else None,
                "answerOption": [
                    {"valueCoding": _answer_coding(instrument, extra.key, position, option)}
                    for position, option in enumerate(extra.options)
                ],
            }
        )
    out.add(
        "questionnaire",
        instrument.code,
        Questionnaire,
        {
            "url": questionnaire_url(instrument.code),
            "name": instrument.code.upper(),
            "title": instrument.name,
            "status": "active",
            "code": [_coding(LOINC, instrument.loinc_panel, instrument.name)]
            if instrument.loinc_panel
            else [_coding(INSTRUMENT_SYSTEM, instrument.code, instrument.name)],
            "description": instrument.instructions,
            "copyright": instrument.copyright,
            "item": items,
        },
    )


def _total_code(instrument: Instrument) -> dict[str, Any]:
    if instrument.loinc_total:
        coding = _coding(LOINC, instrument.loinc_total, f"{instrument.short_name} total score")
    else:
        coding = _coding(INSTRUMENT_SYSTEM, instrument.code, f"{instrument.short_name} total score")
    return {"coding": [coding], "text": f"{instrument.short_name} total score"}


def _response(
    out: Bundler, response: ResponseRow, patient: dict[str, str], note: SessionNote | None
) -> None:
    instrument = instruments.get(response.code)
    _questionnaire(out, instrument)
    encounter = out.ref("encounter", note.pk) if note is not None else None
    items: list[dict[str, Any]] = []
    for answer in response.answers.all():
        if answer.item_number < 1 or answer.item_number > instrument.item_count:
            continue
        item = instrument.item(answer.item_number)
        if answer.not_applicable and item.not_applicable:
            value = _coding(
                ANSWER_SYSTEM, f"{instrument.code}.{item.number}.na", item.not_applicable
            )
        elif answer.position is not None and answer.position < len(item.options):
            value = _answer_coding(
                instrument, str(item.number), answer.position, item.options[answer.position]
            )
        else:
            continue  # skipped: FHIR lists only answered items
        items.append(
            {
                "linkId": str(item.number),
                "text": item.text,
                "answer": [{"valueCoding": value}],
            }
        )
    for extra in instrument.extras:
        reply = (response.extras or {}).get(extra.key)
        if reply is None:
            continue
        position = (0 if reply else 1) if extra.kind == "yes_no" else reply
        if not isinstance(position, int) or not 0 <= position < len(extra.options):
            continue
        items.append(
            {
                "linkId": extra.key,
                "text": extra.text,
                "answer": [
                    {
                        "valueCoding": _answer_coding(
                            instrument, extra.key, position, extra.options[position]
                        )
                    }
                ],
            }
        )
    out.add(
        "questionnaire-response",
        response.pk,
        QuestionnaireResponse,
        {
            "questionnaire": questionnaire_url(instrument.code),
            "status": "completed",
            "subject": patient,
            "encounter": encounter,
            "authored": _instant(response.submitted_at),
            "item": items,
        },
    )
    if response.total is None:
        return  # incomplete (too many items missing): no total to report
    band = response.severity_label
    out.add(
        "observation",
        response.pk,
        Observation,
        {
            "status": "final",
            "category": [
                {"coding": [_coding(OBSERVATION_CATEGORY, "survey", "Survey")]},
            ],
            "code": _total_code(instrument),
            "subject": patient,
            "encounter": encounter,
            "effectiveDateTime": _instant(response.submitted_at),
            "valueInteger": response.total,
            "interpretation": [
                {
                    "coding": [_coding(SEVERITY_SYSTEM, f"{instrument.code}.{response.severity}")],
                    "text": band,
                }
            ]
            if band
            else None,
            "note": [{"text": "Prorated for missing items."}] if response.prorated else None,
            "derivedFrom": [out.ref("questionnaire-response", response.pk)],
        },
    )


def _goal_lines(text: str) -> Iterable[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _care_plan(
    out: Bundler,
    course: Course,
    patient: dict[str, str],
    areas: list[FocusAreaChoice],
    goals: list[dict[str, str]],
    formulation: Formulation | None,
) -> None:
    status = CAREPLAN_STATUS[EPISODE_STATUS.get(course.status, "active")]
    activity = None
    description = f"IPT course ({course.get_protocol_display()})"
    if formulation is not None and formulation.contract_agreed:
        period, unit = CONTRACT_PERIOD.get(formulation.contract_frequency, (1, "wk"))
        contract = (
            f"{formulation.contract_sessions} sessions, "
            f"{formulation.get_contract_frequency_display().lower()}"
        )
        if formulation.contract_focus:
            contract += f"; focus agreed: {formulation.contract_focus}"
        description += f"; contract: {contract}"
        activity = [
            {
                "detail": {
                    "status": "in-progress" if status == "active" else "completed",
                    "description": contract,
                    "scheduledTiming": {
                        "repeat": {
                            "count": formulation.contract_sessions,
                            "frequency": 1,
                            "period": period,
                            "periodUnit": unit,
                        }
                    },
                    "performer": [out.ref("practitioner", course.therapist_id)]
                    if out.has("practitioner", course.therapist_id)
                    else None,
                }
            }
        ]
    live_areas = [area for area in areas if area.archived_at is None]
    out.add(
        "care-plan",
        course.pk,
        CarePlan,
        {
            "status": status,
            "intent": "plan",
            "category": [
                {"coding": [_coding(FOCUS_AREA_SYSTEM, area.area, area.get_area_display())]}
                for area in live_areas
            ],
            "title": "IPT treatment plan",
            "description": description,
            "subject": patient,
            "period": {"start": _day(course.start_date), "end": _day(course.ended_on)},
            "created": _day(formulation.contract_agreed_on) if formulation else None,
            "author": out.ref("practitioner", course.therapist_id)
            if out.has("practitioner", course.therapist_id)
            else None,
            "goal": goals,
            "activity": activity,
            "supportingInfo": [out.ref("episode", course.pk)],
        },
    )
