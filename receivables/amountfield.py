"""The one amount input of every form, screens and admin alike.

French readers type « 1 234,56 », « 1234,56 » or « 1234.56 » (a point followed by one or
two digits is read as the decimal mark too); English readers « 1,234.56 » or « 1234.56 ».
Spaces of any kind group thousands. What cannot be read for sure is refused with the
reason (« 1.234 » in French: a thousand, or one euro and 234 thousandths?), never guessed.
The value is shown back in the reader's format, grouped: « 1 234,56 »."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
SHAPE = re.compile(r"^[+-]?\d[\d.,]*$")
EXAMPLE = {",": "1 234,56", ".": "1,234.56"}


class AmountError(ValueError):
    """Why a typed amount was refused, in the reader's language."""


def read_amount(text: str, decimal_mark: str | None = None) -> Decimal:
    """The typed `text` as a Decimal, the decimal mark being the reader's (`decimal_mark`,
    by default the active language's) or a lone other mark followed by 1 or 2 digits."""
    mark = decimal_mark or get_format("DECIMAL_SEPARATOR")
    other = "." if mark == "," else ","
    text = str(text).strip()
    raw = SPACES.sub("", text)
    example = EXAMPLE.get(mark, "1234.56")
    if not raw:
        raise AmountError(_("Indiquez un montant."))
    spaced = SPACES.split(re.split(r"[.,]", text)[0])
    if len(spaced) > 1 and any(len(g) != 3 for g in spaced[1:]):
        raise AmountError(
            _("« %(v)s » : les milliers se groupent par trois chiffres (%(e)s).")
            % {"v": text, "e": example}
        )
    if not SHAPE.match(raw) or raw[-1] in ".,":
        raise AmountError(
            _("« %(v)s » n'est pas un montant : écrivez par exemple %(e)s.")
            % {"v": text, "e": example}
        )
    if raw.count(mark) > 1:
        raise AmountError(
            _("« %(v)s » a plusieurs séparateurs décimaux : écrivez par exemple %(e)s.")
            % {"v": text, "e": example}
        )
    if mark in raw:
        whole, decimals = raw.rsplit(mark, 1)
        if other in decimals:
            raise AmountError(
                _("« %(v)s » n'est pas un montant : écrivez par exemple %(e)s.")
                % {"v": text, "e": example}
            )
    elif raw.count(other) == 1 and len(raw.rsplit(other, 1)[1]) in (1, 2):
        whole, decimals = raw.rsplit(other, 1)  # « 1234.56 » typed in French
    elif raw.count(other) == 1 and other == "." and len(raw.rsplit(other, 1)[1]) == 3:
        raise AmountError(
            _("« %(v)s » est ambigu : écrivez %(a)s ou %(b)s.")
            % {"v": text, "a": raw.replace(".", " "), "b": raw.replace(".", ",")}
        )
    else:
        whole, decimals = raw, ""
    sign = whole[:1] if whole[:1] in "+-" else ""
    groups = whole[len(sign) :].split(other)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise AmountError(
            _("« %(v)s » : les milliers se groupent par trois chiffres (%(e)s).")
            % {"v": text, "e": example}
        )
    try:
        return Decimal(sign + "".join(groups) + ("." + decimals if decimals else ""))
    except InvalidOperation:
        raise AmountError(
            _("« %(v)s » n'est pas un montant : écrivez par exemple %(e)s.")
            % {"v": text, "e": example}
        ) from None


class AmountInput(forms.TextInput):
    """A text box (type=number refuses « 1 234,56 » in the browser) with the numeric
    keyboard on phones."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class AmountField(forms.DecimalField):
    """A DecimalField reading `read_amount` and showing « 1 234,56 » in French. Admin
    classes use it for every DecimalField: formfield_overrides = AMOUNT_INPUTS."""

    widget = AmountInput
    default_error_messages = {"invalid": gettext_lazy("Indiquez un montant, ex. 1 234,56.")}

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs.pop("step", None)  # a text box has no step

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return read_amount(str(value).strip())
        except AmountError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            places = self.decimal_places
            return number_format(value, places, use_l10n=True, force_grouping=True)
        return value


AMOUNT_INPUTS = {"form_class": AmountField}
