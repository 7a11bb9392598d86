from django import forms

from . import registry


class PreferencesForm(forms.Form):
    """One "by e-mail" box per kind of deadline (in-app is always on)."""

    def __init__(self, *args, initial_email: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for source in registry.sources():
            self.fields[source.key] = forms.BooleanField(
                label=source.label, required=False, initial=initial_email.get(source.key, True)
            )

    def email_choices(self) -> dict[str, bool]:
        return {key: bool(value) for key, value in self.cleaned_data.items()}
