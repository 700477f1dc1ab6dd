"""Default templates, French and English, for every level of a company's policies.

Courteous before the due date, plain then firm after it; the levels that claim
charges state the interest and the recovery indemnity with their reckoning (%DECOMPTE%).
"""

from html import escape

from django.db import transaction

from dunning.models import Channel, Level, PolicyKind
from receivables.models import Company

from .models import Template

TEMPLATE_CHANNELS = [Channel.EMAIL, Channel.FIRM_EMAIL, Channel.LETTER]

# (tone) -> language -> (subject, [paragraphs]); "%LISTE_PIECES%" is a paragraph of its own.
WORDING = {
    "courtesy": {
        "fr": (
            "Rappel d'échéance : facture %NUMERO%",
            [
                "Bonjour %CONTACT%,",
                "Nous nous permettons de vous rappeler l'échéance du %ECHEANCE% de la "
                "facture %NUMERO%, pour un solde de %SOLDE%.",
                "%LISTE_PIECES%",
                "Si le règlement est déjà parti, merci de ne pas tenir compte de ce message. "
                "Virement : %RIB%.",
                "Bien cordialement,\n%SOCIETE%",
            ],
        ),
        "en": (
            "Payment reminder: invoice %NUMERO%",
            [
                "Dear %CONTACT%,",
                "This is a friendly reminder of the due date of invoice %NUMERO%, "
                "%ECHEANCE%, with %SOLDE% outstanding.",
                "%LISTE_PIECES%",
                "If you have already paid, please disregard this message. Bank transfer: %RIB%.",
                "Kind regards,\n%SOCIETE%",
            ],
        ),
    },
    "plain": {
        "fr": (
            "Rappel : facture(s) %NUMERO% échue(s)",
            [
                "Bonjour %CONTACT%,",
                "Sauf erreur de notre part, nous n'avons pas reçu le règlement des pièces "
                "ci-dessous, échues depuis %RETARD% jours (%NB_RAPPELS% rappel(s) à ce jour).",
                "%LISTE_PIECES%",
                "Nous vous remercions de bien vouloir régler le solde de %SOLDE% par virement "
                "(%RIB%). Si votre paiement nous a croisés, merci de ne pas "
                "tenir compte de ce rappel.",
                "Bien cordialement,\n%SOCIETE%",
            ],
        ),
        "en": (
            "Reminder: invoice(s) %NUMERO% overdue",
            [
                "Dear %CONTACT%,",
                "According to our records, the documents below are unpaid, %RETARD% days "
                "past their due date (%NB_RAPPELS% reminder(s) so far).",
                "%LISTE_PIECES%",
                "Please pay the balance of %SOLDE% by bank transfer (%RIB%). "
                "If your payment has crossed this message, please disregard it.",
                "Kind regards,\n%SOCIETE%",
            ],
        ),
    },
    "firm": {
        "fr": (
            "Relance : impayé de %SOLDE% – %NUMERO%",
            [
                "Madame, Monsieur,",
                "Malgré notre précédent rappel du %DT_DERNIER_RAPPEL%, les pièces ci-dessous "
                "restent impayées, %RETARD% jours après leur échéance.",
                "%LISTE_PIECES%",
                "Nous vous demandons de régler sans délai la somme de %TOTAL_DU% par virement "
                "(%RIB%). À défaut, nous serons contraints d'engager une "
                "procédure de recouvrement.",
                "%SOCIETE%",
            ],
        ),
        "en": (
            "Final reminder: %SOLDE% overdue – %NUMERO%",
            [
                "Dear Sir or Madam,",
                "Despite our previous reminder of %DT_DERNIER_RAPPEL%, the documents below "
                "remain unpaid, %RETARD% days after their due date.",
                "%LISTE_PIECES%",
                "We ask you to pay %TOTAL_DU% without delay by bank transfer "
                "(%RIB%). Failing that, we will start recovery proceedings.",
                "%SOCIETE%",
            ],
        ),
    },
    "notice": {
        "fr": (
            "Mise en demeure de payer – %NUMERO%",
            [
                "Madame, Monsieur,",
                "Nos relances sont restées sans effet. Par la présente, nous vous mettons en "
                "demeure de régler sous huit jours la somme de %TOTAL_DU%, au titre des "
                "pièces suivantes :",
                "%LISTE_PIECES%",
                "Faute de règlement dans ce délai, nous saisirons la juridiction compétente "
                "(injonction de payer) sans autre avis. Virement : %RIB%.",
                "%SOCIETE%",
            ],
        ),
        "en": (
            "Formal notice to pay – %NUMERO%",
            [
                "Dear Sir or Madam,",
                "Our reminders have remained unanswered. We hereby give you formal notice to "
                "pay %TOTAL_DU% within eight days for the following documents:",
                "%LISTE_PIECES%",
                "Failing payment within that time, we will apply to the competent court "
                "without further notice. Bank transfer: %RIB%.",
                "%SOCIETE%",
            ],
        ),
    },
    "quote": {
        "fr": (
            "Votre devis %NUMERO% est arrivé à échéance",
            [
                "Bonjour %CONTACT%,",
                "Notre devis %NUMERO% du %DATE%, d'un montant de %MONTANT%, était valable "
                "jusqu'au %ECHEANCE%. Souhaitez-vous y donner suite ? Nous pouvons le "
                "prolonger ou l'adapter.",
                "Bien cordialement,\n%SOCIETE%",
            ],
        ),
        "en": (
            "Your quote %NUMERO% has expired",
            [
                "Dear %CONTACT%,",
                "Our quote %NUMERO% of %DATE%, for %MONTANT%, was valid until %ECHEANCE%. "
                "Would you like to go ahead? We can extend or adapt it.",
                "Kind regards,\n%SOCIETE%",
            ],
        ),
    },
}

# The level that claims charges says so and shows the reckoning line by line (%DECOMPTE%:
# balance, interest with its rate and days, indemnity, and the rule's legal basis, which
# depends on the creditor's country and whether the customer is a business).
CHARGES = {
    "fr": [
        "Tout retard de paiement entraîne des intérêts de retard et, entre professionnels, "
        "une indemnité forfaitaire pour frais de recouvrement, soit un total dû de "
        "%TOTAL_DU% :",
        "%DECOMPTE%",
    ],
    "en": [
        "Late payment incurs interest and, between businesses, a fixed sum for recovery "
        "costs, a total due of %TOTAL_DU%:",
        "%DECOMPTE%",
    ],
}
ASK_TOTAL = {
    "fr": ("régler le solde de %SOLDE%", "régler la somme de %TOTAL_DU%"),
    "en": ("pay the balance of %SOLDE%", "pay %TOTAL_DU%"),
}
# The customer's personal page (reminders.links): statement, invoices, answers.
PORTAL = {
    "fr": "Votre relevé, vos factures et vos réponses (déjà payé, date de paiement, "
    "contestation, échéancier) : %LIEN_PORTAIL%",
    "en": "Your statement, your invoices and your answers (already paid, payment date, "
    "dispute, payment plan): %LIEN_PORTAIL%",
}
PORTAL_LETTER = {  # a letter has no room to spare: one line, its QR code beside it
    "fr": "Votre espace client : %LIEN_PORTAIL%",
    "en": "Your customer page: %LIEN_PORTAIL%",
}
BLOCKS = ("%LISTE_PIECES%", "%DECOMPTE%")  # block keywords: a table in HTML, no <p>


def tone_of(level: Level, channel: str, is_last: bool) -> str:
    if level.policy.kind == PolicyKind.QUOTE:
        return "quote"
    if level.delay_days <= 0:
        return "courtesy"
    if channel == Channel.LETTER and is_last:
        return "notice"
    if channel in (Channel.FIRM_EMAIL, Channel.LETTER):
        return "firm"
    return "plain"


def paragraphs_to_html(paragraphs: list[str]) -> str:
    parts = []
    for p in paragraphs:
        if p in BLOCKS:
            parts.append(p)  # a block keyword: renders as a table in HTML
        else:
            parts.append("<p>" + escape(p, quote=False).replace("\n", "<br>") + "</p>")
    return "\n".join(parts)


def default_wording(
    level: Level, channel: str, language: str, is_last: bool = False, portal: bool = True
):
    """(subject, text, html) of the default template of a level (`portal=False`: as it
    was before the portal link, for the migration that adds it to untouched templates)."""
    tone = tone_of(level, channel, is_last)
    subject, paragraphs = WORDING[tone][language]
    paragraphs = list(paragraphs)
    if level.claims_charges and tone not in ("courtesy", "quote"):
        # one figure: the words ask for what the QR code asks, the total with charges
        paragraphs = [p.replace(*ASK_TOTAL[language]) for p in paragraphs]
        paragraphs[-1:-1] = CHARGES[language]
    if tone != "quote" and portal:
        paragraphs.insert(-1, (PORTAL_LETTER if channel == Channel.LETTER else PORTAL)[language])
    return subject, "\n\n".join(paragraphs), paragraphs_to_html(paragraphs)


@transaction.atomic
def ensure_default_templates(company: Company) -> int:
    """Create the missing default templates of every level of the company (idempotent)."""
    levels = list(
        Level.objects.filter(policy__company=company).select_related("policy").order_by("rank")
    )
    last_rank = {}
    for level in levels:
        last_rank[level.policy_id] = max(last_rank.get(level.policy_id, 0), level.rank)
    existing = set(
        Template.objects.filter(company=company).values_list("level_id", "channel", "language")
    )
    new = []
    for level in levels:
        for channel in TEMPLATE_CHANNELS:
            for language in ("fr", "en"):
                if (level.pk, channel, language) in existing:
                    continue
                is_last = level.rank == last_rank[level.policy_id]
                subject, text, html = default_wording(level, channel, language, is_last)
                new.append(
                    Template(
                        company=company,
                        level=level,
                        channel=channel,
                        language=language,
                        subject=subject,
                        body_text="" if channel == Channel.LETTER else text,
                        body_html=html,
                    )
                )
    Template.objects.bulk_create(new)  # one statement: every new company gets these
    return len(new)
