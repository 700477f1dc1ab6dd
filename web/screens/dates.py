"""The one date input of every form: typed as the worklist's period is, jj/mm/aaaa (in
English dd/mm/yyyy, the same order), never the browser's own picker whose order follows
the browser's locale (chromium showed « mm/dd/yyyy » beside a French worklist). The
calendar beside it is ours (data-datepicker: web/static/web/datepicker.js, flatpickr in
the page's language); it writes the same day-first text, so the server reads one thing."""

from django import forms
from django.utils.translation import gettext_lazy as _

DAY_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%Y-%m-%d"]


class DayDateInput(forms.DateInput):
    def __init__(self, attrs=None):
        base = {
            "placeholder": _("jj/mm/aaaa"),
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-datepicker": "",
            "size": 10,
            "pattern": r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2}",
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class DayDateField(forms.DateField):
    """A date field reading DAY_FORMATS whatever the language (the English locale's own
    formats would read 10/02/2026 as October 2)."""

    widget = DayDateInput
    input_formats = DAY_FORMATS

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Format : jj/mm/aaaa"))
        super().__init__(**kwargs)


def read_day(value: str):
    """The day typed in a hand-written form (the customer portal, the replies), read as
    DayDateField reads it; None when empty or not a day."""
    try:
        return DayDateField(required=False).clean(value.strip()) if value.strip() else None
    except forms.ValidationError:
        return None
