"""A company can remind from the moment it exists, however it was created (`relance
setup`, the admin, the first-run screen, the API, the demo): its default procedures for
invoices and for quotes, each the default of its kind, and the French and English
templates of every level. The one place these defaults are put in; idempotent."""

from django.db import transaction
from django.db.models.signals import post_save

from dunning.policies import ensure_default_policies
from receivables.models import Company

from .defaults import ensure_default_templates


@transaction.atomic
def make_ready(company: Company) -> None:
    """Give `company` what it lacks of the default procedures and their templates."""
    ensure_default_policies(company)
    ensure_default_templates(company)


def _company_saved(sender, instance: Company, created: bool, raw: bool = False, **kwargs):
    if created and not raw:  # raw: a fixture being loaded brings its own rows
        make_ready(instance)


def connect() -> None:
    post_save.connect(_company_saved, sender=Company, dispatch_uid="reminders.ready")
