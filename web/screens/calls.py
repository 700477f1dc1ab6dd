"""The phone call form (Rel Tph): outcome, promise date, note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .common import reminders_installed

FALLBACK_OUTCOMES = [
    ("reached", _("Client joint")),
    ("promise", _("Promesse de paiement")),
    ("no_answer", _("Pas de réponse")),
    ("message", _("Message laissé")),
    ("dispute", _("Litige signalé")),
    ("wrong_number", _("Mauvais numéro")),
]


def outcome_choices():
    if reminders_installed():
        from reminders.models import PhoneCall

        field = PhoneCall._meta.get_field("outcome")
        if field.choices:
            return list(field.choices)
    return FALLBACK_OUTCOMES


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Résultat de l'appel"), choices=())
    promise_date = forms.DateField(
        label=_("Promesse de paiement au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcome_choices()


def log_call_for(company, documents, data: dict, user) -> None:
    from reminders.services import log_call

    log_call(
        company,
        documents,
        outcome=data["outcome"],
        promise_date=data.get("promise_date"),
        note=data.get("note", ""),
        user=user,
    )
