"""Phone: nothing leaves the building. A call is made by a person and then logged
(`reminders.services.log_call`, which checks the log is complete)."""

from dataclasses import dataclass
from datetime import date


@dataclass
class Call:
    customer: str
    outcome: str
    promise_date: date | None = None
    dispute_reason: str = ""


class PhoneChannel:
    def send(self, call: Call) -> None:
        """The call already happened: there is nothing to deliver."""
