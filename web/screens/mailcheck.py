"""« M'envoyer un e-mail d'essai » on the settings screen: one message from the company's
sender address to the user, through the real SMTP server, whose answer is shown in words.
An accepted message marks that sender address checked (the home page's checklist)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channels.email.probe import Probe, send_test_email
from receivables.models import Company, Role
from web.company import company_of, require_role

FAILED_AT = {
    "connect": "Impossible de joindre le serveur %(server)s : %(answer)s",
    "tls": "Le serveur %(server)s refuse le chiffrement (STARTTLS) : %(answer)s",
    "login": "Le serveur %(server)s refuse l'identifiant ou le mot de passe (EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) : %(answer)s",
    "sender": "Le serveur %(server)s refuse l'adresse d'expédition %(sender)s : %(answer)s",
    "recipient": "Le serveur %(server)s refuse le destinataire %(to)s : %(answer)s",
    "data": "Le serveur %(server)s a refusé le message : %(answer)s",
}  # fmt: skip


@require_POST
def test_email(request):
    require_role(request, Role.ADMIN)
    company = company_of(request)
    sender = company.email or settings.DEFAULT_FROM_EMAIL
    to = request.user.email or company.email
    if not to:
        messages.error(request, _("Indiquez d'abord l'e-mail d'expédition de la société."))
        return redirect("settings_company")
    probe = send_test_email(
        sender,
        to,
        _("Relance : e-mail d'essai de %(c)s") % {"c": company.display_name},
        _("Si vous lisez ce message, Relance peut envoyer les relances de %(c)s depuis %(s)s.")
        % {"c": company.display_name, "s": sender},
    )
    text = in_words(probe, sender, to)
    if probe.ok and probe.server:
        Company.objects.filter(pk=company.pk).update(email_checked=company.email)
        messages.success(request, text)
    else:
        messages.error(request, text)
    return redirect("settings_company")


def in_words(probe: Probe, sender: str, to: str) -> str:
    answer = f"{probe.code} {probe.answer}" if probe.code else probe.answer
    values = {"server": probe.server, "answer": answer, "sender": sender, "to": to}
    if probe.ok and not probe.server:
        return (
            _(
                "Aucun serveur SMTP n'est configuré (EMAIL_HOST vide) : le message a été écrit par "
                "le backend « %(answer)s » au lieu de partir. Réglez EMAIL_HOST (guide "
                "d'administration), puis réessayez."
            )
            % values
        )
    if probe.ok:
        return (
            _(
                "Le serveur %(server)s a accepté le message pour %(to)s : « %(answer)s ». Vérifiez "
                "qu'il est bien arrivé (et pas dans les indésirables)."
            )
            % values
        )
    text = _(FAILED_AT[probe.stage]) % values
    if probe.code and 400 <= probe.code < 500:
        text += " " + _("(erreur temporaire : réessayez plus tard)")
    return text
