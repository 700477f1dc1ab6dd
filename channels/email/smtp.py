"""Django's SMTP backend, knowing whether the whole message reached the server.

A reply lost AFTER the end of the message was sent (timeout, dropped connection) is not
a failure: the server may well have queued it (RFC 1047). Resending would be a duplicate,
so such an error is marked uncertain and a person decides. A failure BEFORE that (no
connection, refused, dropped during MAIL, RCPT or the data) is safe to retry: the flags
below say so for the message being sent, never for an earlier one.
"""

import smtplib
from email.generator import BytesGenerator
from functools import lru_cache
from io import BytesIO

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from .mime import PLAIN_ADDRESS, envelope_address

END_OF_DATA = b"\r\n.\r\n"


class _Tracking:
    """Mixin for smtplib.SMTP: `message_sent` is True once the final '.' of DATA went out."""

    message_sent = False

    def mail(self, sender, options=()):
        self.message_sent = False  # a new message: whatever went before is not this one
        if any(option.lower() == "smtputf8" for option in options):
            return super().mail(sender, options)  # the stdlib checks the server offers it
        self.putcmd("mail", f"FROM:{_quoted(sender)}{_options(self, options)}")
        return self.getreply()

    def rcpt(self, recip, options=()):
        self.putcmd("rcpt", f"TO:{_quoted(recip)}{_options(self, options)}")
        return self.getreply()

    def data(self, msg):
        self.message_sent = False
        if not isinstance(msg, bytes):
            return super().data(msg)
        # smtplib's own, its dot-stuffing (RFC 5321 4.5.2: a line starting with "." gets
        # another) done by bytes.replace instead of a regex over the whole message (15
        # µs instead of 75 for a reminder with its PDF).
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        stuffed = (b"." if msg.startswith(b".") else b"") + msg.replace(b"\n.", b"\n..")
        if not stuffed.endswith(b"\r\n"):
            stuffed += b"\r\n"
        self.send(stuffed + b".\r\n")
        return self.getreply()

    def send(self, s):
        super().send(s)
        if isinstance(s, bytes) and s.endswith(END_OF_DATA):
            self.message_sent = True

    def rset(self):
        self.message_sent = False
        return super().rset()


def _quoted(address: str) -> str:
    """smtplib's `quoteaddr` ("<a@b>"), which parses every address (~20 µs): a bare one
    is simply bracketed, others (the sender's "Name <a@b>") parsed once and kept."""
    return f"<{address}>" if PLAIN_ADDRESS.fullmatch(address) else _parsed(address)


@lru_cache(maxsize=256)
def _parsed(address: str) -> str:
    return smtplib.quoteaddr(address)


def _options(smtp: smtplib.SMTP, options) -> str:
    return " " + " ".join(options) if options and smtp.does_esmtp else ""  # as smtplib's


class TrackingSMTP(_Tracking, smtplib.SMTP):
    pass


class TrackingSMTP_SSL(_Tracking, smtplib.SMTP_SSL):  # noqa: N801 - like smtplib's name
    pass


class _Generator(BytesGenerator):
    """The stdlib's generator, minus its folding machinery for headers that need none
    (ASCII, one short line): the same bytes, without a Header object per header (about a
    fifth of the time spent turning a reminder into bytes)."""

    def _write_headers(self, msg):
        for name, value in msg.raw_items():
            if (
                isinstance(value, str)
                and value.isascii()
                and len(name) + len(value) < 76
                and "\n" not in value
                and "\r" not in value
            ):
                self.write(f"{name}: {value}{self._NL}")
            else:
                self._fp.write(self.policy.fold_binary(name, value))
        self.write(self._NL)


def as_bytes(message) -> bytes:
    """A MIME message as it goes on the wire (CRLF), like Django's `as_bytes`."""
    out = BytesIO()
    _Generator(out, mangle_from_=False).flatten(message, linesep="\r\n")
    return out.getvalue()


class EmailBackend(DjangoSMTPBackend):
    """`message_went_out` tells, after a failed send, whether THAT message had gone whole
    (False when the failure came before its data, e.g. the connection was refused)."""

    message_went_out = False

    @property
    def connection_class(self):
        return TrackingSMTP_SSL if self.use_ssl else TrackingSMTP

    def open(self):
        self.message_went_out = False  # a refused connection sent nothing
        return super().open()

    def _send(self, email_message):
        self.message_went_out = False
        if self.connection is not None:
            self.connection.message_sent = False
        try:
            return self._send_bytes(email_message)
        except Exception:
            # read now: the connection object is dropped when the backend closes it
            self.message_went_out = bool(getattr(self.connection, "message_sent", False))
            raise

    def _send_bytes(self, email_message) -> bool:
        """Django's `_send`, with the message's own bytes when it can write them
        (transport.py, mime.py), else the faster flattening above."""
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = envelope_address(email_message.from_email, encoding)
        recipients = [envelope_address(addr, encoding) for addr in email_message.recipients()]
        if hasattr(email_message, "wire_bytes"):
            message = email_message.wire_bytes()
        else:
            message = as_bytes(email_message.message())
        try:
            self.connection.sendmail(from_email, recipients, message)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"
BACKEND = "channels.email.smtp.EmailBackend"
