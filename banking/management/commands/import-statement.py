"""`relance import-statement FILE [--company ID]`: import and match a bank statement."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from banking import services
from banking.parsers import parse
from receivables.models import Company


class Command(BaseCommand):
    help = "Importe un relevé bancaire (CAMT.053, OFX, MT940) et rapproche les crédits."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--company",
            help="Id ou nom de la société (par défaut : celle dont l'IBAN est le compte du "
            "relevé, ou la seule société).",
        )

    def handle(self, *args, file: Path, company=None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        try:
            target = self._company(company, data, file.name)
            result = services.import_statement(target, data, file.name)
        except services.StatementError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{file.name} → {target}: {result.summary()}")

    def _company(self, wanted, data: bytes, name: str) -> Company:
        companies = Company.objects.all()
        if wanted:
            found = companies.filter(pk=int(wanted)) if wanted.isdigit() else None
            found = found if found else companies.filter(name=wanted)
            if not found:
                raise CommandError(f"Société inconnue : {wanted}")
            return found.get()
        account = parse(data, name).account.replace(" ", "").upper()
        by_iban = [c for c in companies if c.iban.replace(" ", "").upper() == account]
        if len(by_iban) == 1:
            return by_iban[0]
        if companies.count() == 1:
            return companies.get()
        raise CommandError("Plusieurs sociétés : précisez --company (id ou nom).")
