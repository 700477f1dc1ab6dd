"""A real company's first day: the company, its first administrator and their membership,
in one use case shared by `relance setup` and the first-run screen « Créer votre société ».

Idempotent: run again with the same names, it changes nothing and says so (an existing
company or login is never modified; a differing value is reported, not written). The
company's default procedures and templates come with its creation, wherever it is
created (`reminders.ready`). Errors name the field they are about.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from babel import Locale
from babel.numbers import list_currencies
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from schwifty import IBAN
from stdnum.fr import siren as siren_number

from .models import Company, Membership, Role

# The fields of a new company that setup takes (the others are filled on the settings screen).
FIELDS = ("name", "email", "country", "language", "currency", "siren", "iban")


class SetupRejected(Exception):
    """Bad values, by field (a Company field name, "admin" or "password"): nothing written."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass
class SetupResult:
    company: Company
    user: object
    created_company: bool = False
    created_user: bool = False
    created_membership: bool = False
    password: str = ""  # generated here: shown once, never stored in clear
    differs: list[str] = field(default_factory=list)  # given values the company keeps

    @property
    def changed(self) -> bool:
        return self.created_company or self.created_user or self.created_membership


def _countries() -> set[str]:
    return {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()} - {"ZZ"}


def clean_values(values: dict) -> dict:
    """Stripped, upper-cased where it is a code, SIREN and IBAN compacted; raise
    SetupRejected naming each bad field (with the python-stdnum / schwifty reason)."""
    v = {k: str(values.get(k) or "").strip() for k in FIELDS}
    v["country"] = (v["country"] or "FR").upper()
    v["currency"] = (v["currency"] or "EUR").upper()
    v["language"] = (v["language"] or settings.LANGUAGE_CODE).lower()
    v["siren"] = siren_number.compact(v["siren"]) if v["siren"] else ""
    errors: dict[str, list[str]] = {}
    if v["iban"]:
        try:
            v["iban"] = IBAN(v["iban"]).compact
        except ValueError:
            pass  # the model's validator says why, in the user's language
    if v["country"] not in _countries():
        errors["country"] = [_("code pays inconnu : %(v)s (ex. FR, BE, CH)") % {"v": v["country"]}]
    if v["currency"] not in list_currencies():
        errors["currency"] = [_("devise inconnue : %(v)s (ex. EUR, CHF)") % {"v": v["currency"]}]
    if v["language"] not in dict(settings.LANGUAGES):
        errors["language"] = [
            _("langue non proposée : %(v)s (%(ok)s)")
            % {"v": v["language"], "ok": ", ".join(dict(settings.LANGUAGES))}
        ]
    try:
        Company(**v).full_clean(exclude=["logo"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise SetupRejected(errors)
    return v


def _differs(company: Company, values: dict) -> list[str]:
    return [
        name
        for name in FIELDS
        if name != "name" and values[name] and values[name] != getattr(company, name)
    ]


@transaction.atomic
def setup_company(
    values: dict,
    admin: str,
    *,
    email: str = "",
    ask_password: Callable[[], str | None] = lambda: None,
) -> SetupResult:
    """The company named `values["name"]` (created when no company has that name) with
    `admin` as its administrator (the login created when missing). `ask_password` is
    called only when the login is created; None there means: generate one."""
    values = clean_values(values)
    admin = admin.strip()
    if not admin:
        raise SetupRejected({"admin": [_("indiquez l'identifiant de l'administrateur")]})
    User = get_user_model()
    user = User.objects.filter(username=admin).first()
    company = Company.objects.filter(name__iexact=values["name"]).order_by("pk").first()
    membership = getattr(user, "membership", None) if user else None
    if membership is not None and (company is None or membership.company_id != company.pk):
        raise SetupRejected(
            {"admin": [_("« %(u)s » est déjà membre de la société « %(c)s »")
                       % {"u": admin, "c": membership.company.name}]}
        )  # fmt: skip
    result = SetupResult(company=company, user=user)
    if user is None:
        user = result.user = _new_user(admin, email or values["email"], ask_password, result)
    if company is None:
        company = result.company = Company.objects.create(**values)
        result.created_company = True
    else:
        result.differs = _differs(company, values)
    if membership is None:
        Membership.objects.create(user=user, company=company, role=Role.ADMIN)
        result.created_membership = True
    return result


def _new_user(username: str, email: str, ask_password, result: SetupResult):
    User = get_user_model()
    user = User(username=username, email=email)
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors["admin" if name == "username" else name] = messages
    if errors:
        raise SetupRejected(errors)
    password = ask_password()
    if not password:
        password = result.password = secrets.token_urlsafe(12)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise SetupRejected({"password": list(exc.messages)}) from None
    user.set_password(password)
    user.save()
    result.created_user = True
    return user
