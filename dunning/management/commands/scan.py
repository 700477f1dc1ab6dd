from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dunning.models import PolicyKind
from dunning.policies import kinds_without_default
from dunning.rules import StopReason
from dunning.scan import scan
from receivables.models import Company, Document


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {value!r} n'est pas une date AAAA-MM-JJ") from exc


class Command(BaseCommand):
    help = (
        "Mark the open invoices and expired quotes due for a reminder (à relancer), "
        "catching up missed days; prints what changed. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, help="Date to scan for (default: today "
                            "in each company's time zone), e.g. 2026-03-13.")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="Show, change nothing.")
        parser.add_argument("--company", type=int, help="Only this company id.")

    def handle(self, *args, as_of=None, dry_run=False, company=None, **options):
        if company is not None and not Company.objects.filter(pk=company).exists():
            raise CommandError(f"--company: no company with id {company}")
        result = scan(company, as_of, dry_run=dry_run)
        for change in result.changes:
            self.stdout.write(self._line(change))
        to_remind = Document.objects.filter(to_remind=True)
        if company is not None:
            to_remind = to_remind.filter(company_id=company)
        days = ", ".join(str(d) for d in sorted(result.as_of))
        verb = _("changeraient") if dry_run else _("modifiées")
        self.stdout.write(
            self.style.SUCCESS(
                _("%(n)s pièce(s) %(verb)s au %(days)s.")
                % {"n": result.changed, "verb": verb, "days": days or "-"}  # fmt: skip
            )
        )
        if dry_run:
            pending = sum(1 for c in result.changes if c.new_pending)
            self.stdout.write(_("%(n)s pièce(s) deviendraient ou resteraient à relancer parmi "
                                "elles (simulation : rien n'a été modifié).") % {"n": pending})  # fmt: skip
        else:
            self.stdout.write(_("%(n)s pièce(s) à relancer.") % {"n": to_remind.count()})
        self._warn_missing_policies(company)

    def _warn_missing_policies(self, company: int | None) -> None:
        """Never a silent 0: a company without a default procedure for a kind has none of
        those documents reminded; say so on stderr and exit 1 (errors in the data)."""
        companies = Company.objects.order_by("pk")
        if company is not None:
            companies = companies.filter(pk=company)
        lacking = 0
        for each in companies:
            for kind in kinds_without_default(each):
                lacking += 1
                self.stderr.write(self.style.ERROR(
                    _("ATTENTION : « %(c)s » n'a pas de procédure de relance par défaut pour "
                      "les %(k)s : aucune n'est relancée. Créez-en une dans Paramètres → "
                      "Procédures (/parametres/procedures/).")
                    % {"c": each.name, "k": PolicyKind(kind).label}
                ))  # fmt: skip
        if lacking:
            raise CommandError(
                _("%(n)s procédure(s) par défaut manquante(s).") % {"n": lacking}, returncode=1
            )

    @staticmethod
    def _line(c) -> str:
        days = _("%(d)s j de retard") % {"d": c.days_late}
        if c.new_pending:
            what = f"→ {c.level_name}"
        elif c.stop_reason:
            what = "— " + str(StopReason(c.stop_reason).label)
        else:
            what = "— " + _("plus rien à relancer")
        return f"{c.number:<12} {c.customer[:30]:<30} {days:<18} {what}"
