from django.core.management.base import BaseCommand
from django.utils import timezone

from dunning.scan import scan
from receivables.models import Document
from relance.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo company, its data and the demo login (safe to run again), then run "
        "the daily scan so the worklist shows what is to remind today."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed-only", action="store_true", help="only the two invoices of the seed screen"
        )

    def handle(self, *args, **options):
        company = load_demo(timezone.localdate(), generated=not options["seed_only"])
        # Marking documents "to remind" is the daily job's work and the demo runs no
        # scheduler: without this scan a fresh demo opened on an empty worklist.
        scan(company, report=False)
        to_remind = Document.objects.for_company(company).filter(to_remind=True).count()
        self.stdout.write(f"Demo data loaded for {company}: {to_remind} document(s) to remind.")
        self.stdout.write(self.style.SUCCESS(f"Login: {DEMO_USERNAME} / password: {DEMO_PASSWORD}"))
