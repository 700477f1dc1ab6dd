"""E-mail over SMTP through Django's mail backend, one connection for many messages."""

import base64
import re
import smtplib
import uuid
from dataclasses import dataclass, field
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart

from ..base import DeliveryError
from . import smtp


@dataclass
class Email:
    from_email: str
    to: list[str]
    subject: str
    text: str
    html: str = ""
    message_id: str = ""
    reply_to: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def classify(exc: BaseException) -> DeliveryError:
    """Say whether an SMTP failure is permanent (5xx) or worth retrying (4xx, network)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        words = "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()
        )
        return DeliveryError(words, permanent=bool(codes) and all(c >= 500 for c in codes))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # A configuration problem, not the message's: retry until someone fixes it.
        return DeliveryError(f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryError(
            f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=500 <= exc.smtp_code < 600
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError | smtplib.SMTPException):
        return DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False)
    return DeliveryError(f"{type(exc).__name__}: {exc}", permanent=True)


class _EmailWithInlineImages(EmailMultiAlternatives):
    """mixed[ related[ alternative[text, html], images ], attachments ]: the images show in
    the HTML (cid:), the invoice PDFs stay ordinary attachments."""

    inline_images: list[MIMEImage] = []

    def message(self):
        """Random boundaries set up front: the stdlib would otherwise compile a regex per
        part and search the whole message for a clash (a third of the sending time).
        A random 128-bit token after "=_" cannot occur in base64 or quoted-printable."""
        msg = super().message()
        for part in msg.walk():
            if part.is_multipart():
                part.set_boundary(f"=_{uuid.uuid4().hex}")
        return msg

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.inline_images:
            return msg
        related = SafeMIMEMultipart(
            _subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET
        )
        related.attach(msg)
        for image in self.inline_images:
            related.attach(image)
        return related


_DATA_URI = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def inline_images(html: str) -> tuple[str, list[MIMEImage]]:
    """Data-URI PNGs (the payment QR code) become inline parts referenced by cid:, which
    mail clients show where data: URIs are blocked. The stored HTML stays self-contained."""
    images: list[MIMEImage] = []

    def to_cid(match: re.Match) -> str:
        cid = f"img{len(images) + 1}@relance"
        image = MIMEImage(base64.b64decode(match.group(1)), "png")
        image.add_header("Content-ID", f"<{cid}>")
        image.add_header("Content-Disposition", "inline", filename=f"qr-{len(images) + 1}.png")
        images.append(image)
        return f'src="cid:{cid}"'

    return _DATA_URI.sub(to_cid, html), images


def _text(msg) -> str:
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


class EmailChannel:
    """Open once, `send()` many, `close()`. A dropped connection is reopened on the
    next send; the message that saw the drop gets a temporary DeliveryError, or an
    uncertain one when the whole message had gone out (see smtp.py)."""

    def __init__(self, connection=None):
        # Django's SMTP backend, told apart from "sent, answer lost" (see smtp.py)
        backend = smtp.BACKEND if settings.EMAIL_BACKEND == smtp.DJANGO_SMTP else None
        self.connection = connection or get_connection(backend, fail_silently=False)

    def build(self, email: Email) -> EmailMultiAlternatives:
        headers = {"Message-ID": email.message_id} if email.message_id else {}
        msg = _EmailWithInlineImages(
            subject=email.subject,
            body=email.text,
            from_email=email.from_email,
            to=email.to,
            reply_to=email.reply_to or None,
            headers=headers,
            connection=self.connection,
        )
        if email.html:
            html, msg.inline_images = inline_images(email.html)
            msg.attach_alternative(html, "text/html")
        for filename, content, mimetype in email.attachments:
            msg.attach(filename, content, mimetype)
        return msg

    def send(self, email: Email) -> None:
        try:
            msg = self.build(email)
            if getattr(self.connection, "connection", True) is None:
                # opened here, not by send_messages (which would close it after each call)
                self.connection.open()
            sent = self.connection.send_messages([msg])
        except Exception as exc:
            answered = isinstance(
                exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
            )
            unanswered = not answered and self._message_went_out()
            if not answered:
                self.reset()  # the connection may be half-dead: reopen on the next send
            error = classify(exc)
            if unanswered:
                error = DeliveryError(
                    f"{error} — le message complet est parti, la réponse du serveur "
                    "s'est perdue : il a peut-être été accepté",
                    permanent=False,
                    uncertain=True,
                )
            raise error from exc
        if not sent:
            raise DeliveryError("the mail backend accepted nothing", permanent=False)

    def _message_went_out(self) -> bool:
        return bool(getattr(self.connection, "message_went_out", False))

    def reset(self) -> None:
        try:
            self.connection.close()
        except Exception:  # noqa: S110 - the connection is gone either way
            pass
        if hasattr(self.connection, "connection"):
            self.connection.connection = None

    def close(self) -> None:
        self.reset()
