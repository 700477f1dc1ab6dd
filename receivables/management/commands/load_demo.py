from django.core.management.base import BaseCommand
from django.utils import timezone

from receivables.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo


class Command(BaseCommand):
    help = "Load the demo company, its data and the demo login (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed-only", action="store_true", help="only the two invoices of the seed screen"
        )

    def handle(self, *args, **options):
        company = load_demo(timezone.localdate(), generated=not options["seed_only"])
        self.stdout.write(f"Demo data loaded for {company}.")
        self.stdout.write(self.style.SUCCESS(f"Login: {DEMO_USERNAME} / password: {DEMO_PASSWORD}"))
