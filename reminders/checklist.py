"""« Pour bien démarrer »: what a new company still has to do before its reminders go out
well, each step read from the data (it ticks itself when done). The home page shows it
until every step is done; the labels and links are the screen's."""

from dataclasses import dataclass

from receivables.models import Company, Document

from .models import Reminder, ReminderState

STEPS = ("company", "email", "iban", "logo", "import", "reminder")


@dataclass(frozen=True)
class Step:
    key: str
    done: bool


def checklist(company: Company) -> list[Step]:
    done = {
        "company": bool(company.address.strip() and (company.legal_name or company.siren)),
        "email": bool(company.email) and company.email_checked == company.email,
        "iban": bool(company.iban),
        "logo": bool(company.logo),
        "import": Document.objects.for_company(company).exists(),
        "reminder": Reminder.objects.for_company(company).filter(state=ReminderState.SENT).exists(),
    }
    return [Step(key, done[key]) for key in STEPS]
