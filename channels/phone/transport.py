"""Phone: nothing leaves the building. A call is made by a person and then logged;
`send()` only checks the log is complete enough to count as the reminder."""

from dataclasses import dataclass
from datetime import date

from ..base import DeliveryError


@dataclass
class Call:
    customer: str
    outcome: str
    promise_date: date | None = None
    dispute_reason: str = ""


class PhoneChannel:
    def send(self, call: Call) -> None:
        if call.outcome == "promise" and call.promise_date is None:
            raise DeliveryError("a promise to pay needs its date", permanent=True)
        if call.outcome == "dispute" and not call.dispute_reason.strip():
            raise DeliveryError("a dispute needs its reason", permanent=True)
