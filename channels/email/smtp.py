"""Django's SMTP backend, knowing whether the whole message reached the server.

A reply lost AFTER the end of the message was sent (timeout, dropped connection) is not
a failure: the server may well have queued it (RFC 1047). Resending would be a duplicate,
so such an error is marked uncertain and a person decides.
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

END_OF_DATA = b"\r\n.\r\n"


class _Tracking:
    """Mixin for smtplib.SMTP: `message_sent` is True once the final '.' of DATA went out."""

    message_sent = False

    def data(self, msg):
        self.message_sent = False
        return super().data(msg)

    def send(self, s):
        super().send(s)
        if isinstance(s, bytes) and s.endswith(END_OF_DATA):
            self.message_sent = True

    def rset(self):
        self.message_sent = False
        return super().rset()


class TrackingSMTP(_Tracking, smtplib.SMTP):
    pass


class TrackingSMTP_SSL(_Tracking, smtplib.SMTP_SSL):  # noqa: N801 - like smtplib's name
    pass


class EmailBackend(DjangoSMTPBackend):
    """`message_went_out` tells, after a failed send, whether the message had gone whole."""

    message_went_out = False

    @property
    def connection_class(self):
        return TrackingSMTP_SSL if self.use_ssl else TrackingSMTP

    def _send(self, email_message):
        self.message_went_out = False
        try:
            return super()._send(email_message)
        except Exception:
            # read now: the connection object is dropped when the backend closes it
            self.message_went_out = bool(getattr(self.connection, "message_sent", False))
            raise


DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"
BACKEND = "channels.email.smtp.EmailBackend"
