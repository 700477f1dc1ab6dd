"""Phone: nothing leaves the building. A call is made by a person and then logged
(`reminders.calls.log_call`, which checks the log is complete)."""

from reminders.delivery import Call


class PhoneChannel:
    def send(self, call: Call) -> None:
        """The call already happened: there is nothing to deliver."""
