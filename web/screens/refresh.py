"""The worklist brought up to date: after an upload on /import/ (the scan of that company
runs on a worker, this page polls for its answer) and with the worklist's « Mettre à
jour » button (the scan runs now, the message says what changed)."""

import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_tasks.exceptions import TaskResultDoesNotExist

from dunning.models import PolicyKind
from dunning.refresh import Refreshed, queue_refresh, refresh, refresh_in_background
from receivables.models import Role
from web.company import company_of, require_role

from .common import safe_next

log = logging.getLogger(__name__)


def start_refresh(company) -> dict:
    """Queue the scan of `company` after its import committed; the template context of
    its status (finished at once on an immediate backend). Queue down: scan here."""
    try:
        task_result = queue_refresh(company)
    except Exception:  # the queue (Redis) may be down: the user must still see the result
        log.warning("could not queue the scan of company %s: scanning now", company.pk)
        return _context(refresh(company))
    return status_context(task_result)


def status_context(task_result) -> dict:
    if task_result.status == "SUCCESSFUL":
        return _context(Refreshed(**task_result.return_value))
    if task_result.status == "FAILED":
        return {"refresh_failed": True}
    return {"refresh_task": task_result.id}


def _context(done: Refreshed) -> dict:
    labels = [str(PolicyKind(kind).label) for kind in done.missing]
    return {"refreshed": done, "missing_policies": labels}


def refresh_status(request, task_id: str):
    """Polled by the import page until the worker has scanned (htmx, every second)."""
    company = company_of(request)
    try:
        task_result = refresh_in_background.get_result(task_id)
    except (TaskResultDoesNotExist, NotImplementedError) as exc:
        raise Http404 from exc
    if not task_result.args or task_result.args[0] != company.pk:
        raise Http404  # another company's import
    return render(request, "web/_refresh_status.html", status_context(task_result))


@require_POST
def worklist_refresh(request):
    """« Mettre à jour »: scan this company now and say what changed."""
    require_role(request, Role.COLLECTOR)
    done = refresh(company_of(request))
    messages.success(request, changes_text(done))
    for kind in done.missing:
        messages.error(
            request,
            _("Aucune procédure de relance par défaut pour les %(kind)s : aucune n'est relancée.")
            % {"kind": PolicyKind(kind).label},
        )
    return redirect(safe_next(request, "worklist"))


def changes_text(done: Refreshed) -> str:
    parts = [_("Liste mise à jour.")]
    if done.added:
        parts.append(
            ngettext("%(n)s pièce ajoutée ou passée au niveau suivant (%(list)s).",
                     "%(n)s pièces ajoutées ou passées au niveau suivant (%(list)s).", done.added)
            % {"n": done.added, "list": _numbers(done.added_numbers, done.added)}
        )  # fmt: skip
    if done.removed:
        parts.append(
            ngettext("%(n)s pièce retirée (%(list)s).", "%(n)s pièces retirées (%(list)s).",
                     done.removed)
            % {"n": done.removed, "list": _numbers(done.removed_numbers, done.removed)}
        )  # fmt: skip
    if not done.added and not done.removed:
        parts.append(_("Rien n'a changé depuis le dernier passage."))
    parts.append(
        _("À relancer : %(i)s facture(s), %(q)s devis.") % {"i": done.invoices, "q": done.quotes}
    )
    return " ".join(parts)


def _numbers(numbers: list[str], total: int) -> str:
    text = ", ".join(numbers)
    return text + (" …" if total > len(numbers) else "")
