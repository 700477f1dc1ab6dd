"""Identifier checks delegated to python-stdnum and schwifty (never hand-written); their
reasons are told in the user's language (French msgids, English in locale/en)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from stdnum import exceptions as number_errors
from stdnum.eu import vat
from stdnum.fr import siren, siret

# The library's exception class -> its reason in words (the English text is the fallback).
REASONS = {
    number_errors.InvalidChecksum: gettext_lazy("la clé de contrôle est fausse"),
    number_errors.InvalidLength: gettext_lazy("le nombre de chiffres ne va pas"),
    number_errors.InvalidFormat: gettext_lazy("le format ne va pas (chiffres attendus)"),
    number_errors.InvalidComponent: gettext_lazy("une partie du numéro n'existe pas"),
    iban_errors.InvalidChecksumDigits: gettext_lazy("la clé de contrôle est fausse"),
    iban_errors.InvalidLength: gettext_lazy("la longueur ne va pas"),
    iban_errors.InvalidStructure: gettext_lazy("caractères ou structure inattendus pour ce pays"),
    iban_errors.InvalidCountryCode: gettext_lazy("code pays inconnu"),
    iban_errors.InvalidBBANChecksum: gettext_lazy("la clé RIB est fausse"),
    iban_errors.InvalidBankCode: gettext_lazy("code banque inconnu"),
}


def reason(exc: Exception) -> str:
    for kind in type(exc).__mro__:
        if kind in REASONS:
            return str(REASONS[kind])
    return str(exc)


def _check(module, value: str, label: str) -> None:
    try:
        module.validate(value)
    except number_errors.ValidationError as exc:
        raise ValidationError(
            _("%(label)s invalide : %(error)s") % {"label": label, "error": reason(exc)}
        ) from exc


def validate_siren(value: str) -> None:
    _check(siren, value, "SIREN")


def validate_siret(value: str) -> None:
    _check(siret, value, "SIRET")


def validate_vat(value: str) -> None:
    _check(vat, value, _("N° de TVA"))


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except ValueError as exc:
        raise ValidationError(_("IBAN invalide : %(error)s") % {"error": reason(exc)}) from exc


def validate_bic(value: str) -> None:
    try:
        BIC(value)
    except ValueError as exc:
        raise ValidationError(_("BIC invalide : %(error)s") % {"error": reason(exc)}) from exc
