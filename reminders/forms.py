from django import forms


class PreferencesForm(forms.Form):
    """One "by e-mail" box per kind (``kinds``: key, label; in-app is always on)."""

    def __init__(self, *args, kinds: list[tuple[str, str]], initial_email: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in kinds:
            self.fields[key] = forms.BooleanField(label=label, required=False, initial=initial_email.get(key, True))

    def email_choices(self) -> dict[str, bool]:
        return {key: bool(value) for key, value in self.cleaned_data.items()}
