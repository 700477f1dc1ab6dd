"""Small helpers every screen uses: the level names, selected ids, role checks."""

from django.forms import CheckboxInput
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dunning.models import Level, Policy, PolicyKind
from dunning.policies import kinds_without_default
from receivables.models import DocumentKind, Role, StopReason
from web.company import ROLE_RANK


def can(request: HttpRequest, role: str) -> bool:
    membership = getattr(request.user, "membership", None)
    return membership is not None and ROLE_RANK[membership.role] >= ROLE_RANK[role]


def can_send(request: HttpRequest) -> bool:
    return can(request, Role.COLLECTOR)


def missing_policies(company) -> list[str]:
    """Labels of the kinds without a default procedure: the banner on home and worklist."""
    return [str(PolicyKind(kind).label) for kind in kinds_without_default(company)]


def selected_ids(request: HttpRequest, name: str = "ids") -> list[int]:
    """Ids ticked in a list (POST or GET); anything not an integer is ignored."""
    data = request.POST if request.method == "POST" else request.GET
    ids = []
    for raw in data.getlist(name):
        for part in raw.split(","):
            if part.strip().isdigit():
                ids.append(int(part))
    return ids


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` the form sent back, if it is a page of this site; else `default` (a URL
    name or a path). A link in a mail could otherwise send the user on, still logged in,
    to any site (`//evil.example`, `https://…`) or run `javascript:` in a « Retour » link."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default if default.startswith("/") else reverse(default)


class LevelNames:
    """Level names of a company's policies, loaded once per screen (no query per row)."""

    def __init__(self, company):
        self.by_policy: dict[int, dict[int, str]] = {}
        self.kind_of: dict[int, str] = {}
        self.default: dict[str, int] = {}
        for policy in Policy.objects.for_company(company):
            self.kind_of[policy.pk] = policy.kind
            if policy.is_default:
                self.default[policy.kind] = policy.pk
        for level in Level.objects.filter(policy__company=company):
            self.by_policy.setdefault(level.policy_id, {})[level.rank] = level.name

    def policy_id(self, document) -> int | None:
        kind = "quote" if document.kind == DocumentKind.QUOTE else "invoice"
        own = document.customer.policy_id
        if own and self.kind_of.get(own) == kind:
            return own
        return self.default.get(kind)

    def name(self, document, rank) -> str:
        if not rank:
            return ""
        names = self.by_policy.get(self.policy_id(document), {})
        return names.get(rank) or _("Niveau %(rank)s") % {"rank": rank}

    def badge(self, document) -> tuple[str, str]:
        """(text, css class) like « Relance 1 — À faire », as on the seed's invoice."""
        if document.disputed or document.stop_reason == StopReason.DISPUTED:
            return _("En litige"), "stop"  # by a person, or refused/disputed on the platform
        if document.stop_reason == StopReason.REPLY:  # the inbox paused it
            return _("Réponse à traiter"), "stop"
        if document.stop_reason in (StopReason.REJECTED, StopReason.SUSPENDED):
            return capfirst(StopReason(document.stop_reason).label), "stop"
        if document.stop_reason == StopReason.PROMISE and document.promise_date:
            return _("Promesse au %(d)s") % {
                "d": document.promise_date.strftime("%d/%m/%y")
            }, "stop"
        if document.pending_level:
            return _("%(level)s — À faire") % {
                "level": self.name(document, document.pending_level)
            }, "todo"
        if document.dunning_level:
            return _("%(level)s — Fait") % {
                "level": self.name(document, document.dunning_level)
            }, "done"
        return "", ""


class CheckboxesFirst:
    """Form mixin: a checkbox is drawn before its label (relance.css), so its label loses
    the « : » that announces a field after it (« ☐ En litige », not « ☐ En litige : »)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, CheckboxInput):
                field.label_suffix = ""
