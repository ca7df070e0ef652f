from django import forms


class AccessSearchForm(forms.Form):
    client = forms.CharField(
        label="Client",
        max_length=100,
        required=False,
        help_text="Name or chart number",
    )
    user_email = forms.EmailField(label="User's email", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data
