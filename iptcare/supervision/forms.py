"""Forms of the supervision pages."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms  # noqa: F401

from iptcare.supervision.models import FidelityItem, FidelityScale
from iptcare.supervision.services import item_field

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


NOT_APPLICABLE = "na"


class FidelityRatingForm(forms.Form):
    """One score per item of the session's phase (radio buttons), the recording's place
    and a comment. A posted item outside the phase is refused, not ignored."""

    recording_reference = forms.CharField(
        label="Recording reviewed",
        max_length=500,
        required=False,
        help_text="Where it is kept (a file name or a link); the recording itself stays there.",
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        scale: FidelityScale,
        items: list[FidelityItem],
        all_items: list[FidelityItem],
        phase: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.scale, self.items, self.phase = scale, items, phase
        self.other_items = {item_field(i): i for i in all_items if i not in items}
        scores = range(scale.score_min, scale.score_max + 1)
        choices = [(str(n), str(n)) for n in scores]
        if scale.allows_not_applicable:
            choices.append((NOT_APPLICABLE, "N/A"))
        allowed = f"{scale.range_label}" + (", or N/A" if scale.allows_not_applicable else "")
        for item in items:
            self.fields[item_field(item)] = forms.ChoiceField(
                label=item.text,
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "fidelity-scores"}),
                error_messages={
                    "required": "Give a score for this item.",
                    "invalid_choice": f"Choose a score from {allowed}.",
                },
            )

    def item_fields(self) -> list[tuple[FidelityItem, forms.BoundField]]:
        return [(item, self[item_field(item)]) for item in self.items]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.data:
            posted = [name for name in self.data if name in self.other_items]
            for name in posted:
                self.add_error(
                    None,
                    f"“{self.other_items[name].text}” does not apply to the {self.phase} "
                    "phase: it cannot be scored for this session.",
                )
        return cleaned

    def scores(self) -> dict[str, int | None]:
        result: dict[str, int | None] = {}
        for item in self.items:
            value = self.cleaned_data[item_field(item)]
            result[item.code] = None if value == NOT_APPLICABLE else int(value)
        return result


class FidelityScaleUploadForm(forms.Form):
    file = forms.FileField(
        label="Scale file (JSON)",
        help_text="The format is in the user guide: docs/fidelity-scales.md.",
    )


class FidelitySettingsForm(forms.Form):
    scale_code = forms.ChoiceField(label="Scale the clinic's supervisors rate with")
    pass_mark = forms.DecimalField(
        label="Pass mark",
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0"),
        max_value=Decimal("10"),
        help_text="A supervisee whose last three rated sessions average below this gets a "
        "drift notice.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args: Any, scales: list[FidelityScale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scale_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (s.code, f"{s.name} (version {s.version}, {s.range_label})") for s in scales
        ]


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
