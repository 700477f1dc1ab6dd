"""Identifier checks delegated to python-stdnum and schwifty (never hand-written)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret


def _check(module, value: str, label: str) -> None:
    try:
        module.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("%(label)s invalide : %(error)s") % {"label": label, "error": exc}
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
        raise ValidationError(_("IBAN invalide : %(error)s") % {"error": exc}) from exc


def validate_bic(value: str) -> None:
    try:
        BIC(value)
    except ValueError as exc:
        raise ValidationError(_("BIC invalide : %(error)s") % {"error": exc}) from exc
