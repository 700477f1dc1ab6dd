# The reminders area's fixtures (real SMTP server, dunning setup, a late invoice), reused to
# check the payment code in the letters and e-mails they produce.
from tests.reminders.conftest import dunning_setup, late_invoice, media, smtp_server  # noqa: F401
