"""Forms of the supervision pages."""

from __future__ import annotations

from django import forms

from iptcare.courses.forms import VersionedForm, identity_field
from iptcare.courses.services import NOTE_PARTS
from iptcare.supervision.services import PART_COMMENT_MAX

# --- Review of notes -----------------------------------------------------------------------


class NoteReviewForm(VersionedForm):
    """The supervisor's review of a note: a general comment, a comment beside each named
    part, and the two buttons (`decision`)."""

    comment = forms.CharField(
        required=False,
        label="General comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to return the note; optional when you co-sign.",
    )
    secret = identity_field()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, label in NOTE_PARTS.items():
            self.fields[f"part_{name}"] = forms.CharField(
                required=False,
                max_length=PART_COMMENT_MAX,
                label=f"Comment on “{label}”",
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": str(PART_COMMENT_MAX)}),
            )

    def part_fields(self) -> dict[str, forms.BoundField]:
        return {name: self[f"part_{name}"] for name in NOTE_PARTS}

    def part_comments(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"part_{name}"]
            for name in NOTE_PARTS
            if self.cleaned_data.get(f"part_{name}", "").strip()
        }


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
