"""The phone call form (Rel Tph): outcome, promise date, note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.calls import log_call
from reminders.models import CallOutcome

from .dates import DayDateField


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Résultat de l'appel"), choices=())
    promise_date = DayDateField(label=_("Promesse de paiement au"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = list(CallOutcome.choices)

    def add_refusal(self, exc) -> None:
        """The domain's refusal (reminders.calls.check_call) under the field it names."""
        for field, messages in getattr(exc, "message_dict", {None: exc.messages}).items():
            self.add_error(field if field in self.fields else None, messages)


def log_call_for(company, documents, data: dict, user) -> None:

    log_call(
        company,
        documents[0].customer,
        documents,
        data["outcome"],
        user=user,
        note=data.get("note", ""),
        promise_date=data.get("promise_date"),
    )
