"""E-mail over SMTP through Django's mail backend, one connection for many messages."""

import base64
import json
import re
import smtplib
import uuid
from dataclasses import dataclass
from email.mime.image import MIMEImage
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart
from django.core.mail.utils import DNS_NAME

from reminders.delivery import DeliveryError, Email

from . import mime, smtp


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


@dataclass(frozen=True)
class InlineImage:
    """A PNG shown in the HTML where it says src="cid:<cid>"."""

    cid: str
    filename: str
    data: bytes

    def mime(self) -> MIMEImage:
        image = MIMEImage(self.data, "png")
        image.add_header("Content-ID", f"<{self.cid}>")
        image.add_header("Content-Disposition", "inline", filename=self.filename)
        return image

    def wire(self) -> bytes:
        headers = mime.header("Content-ID", f"<{self.cid}>")
        return mime.binary_part(
            "image/png", self.data, headers + mime.disposition("inline", self.filename)
        )


class _EmailWithInlineImages(EmailMultiAlternatives):
    """mixed[ related[ alternative[text, html], images ], attachments ]: the images show in
    the HTML (cid:), the invoice PDFs stay ordinary attachments.

    Two ways to the same message: `message()` (Django's email.message tree, for every
    backend) and `wire_bytes()` (its bytes written directly, for our SMTP backend: see
    mime.py)."""

    inline_images: list[InlineImage] = []

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
            related.attach(image.mime())
        return related

    def wire_bytes(self) -> bytes:
        """The bytes of `message()` as they go on the wire (CRLF), several times faster."""
        if not self._writable():
            return smtp.as_bytes(self.message())
        body, multipart = mime.text_part(self.body, self.content_subtype), False
        if self.alternatives:
            parts = [
                mime.text_part(content, kind.split("/", 1)[1])
                for content, kind in self.alternatives
            ]
            body = mime.multipart(self.alternative_subtype, [body, *parts] if self.body else parts)
            multipart = True
        if self.inline_images:
            body = mime.multipart(
                "related", [body, *(image.wire() for image in self.inline_images)]
            )
            multipart = True
        if self.attachments:
            parts = [self._attachment_bytes(*attachment) for attachment in self.attachments]
            keep = self.body or multipart
            body = mime.multipart(self.mixed_subtype, [body, *parts] if keep else parts)
        return self._headers() + b"MIME-Version: 1.0\r\n" + body

    def _writable(self) -> bool:
        """What `wire_bytes` writes: UTF-8 text parts, binary or text attachments."""
        encoding = (self.encoding or settings.DEFAULT_CHARSET).lower().replace("_", "-")
        return (
            encoding in ("utf-8", "utf8")
            and isinstance(self.body, str)
            and all(
                isinstance(content, str) and kind.startswith("text/")
                for content, kind in self.alternatives
            )
            and all(map(_writable_attachment, self.attachments))
        )

    def _attachment_bytes(self, filename, content, mimetype) -> bytes:
        headers = mime.disposition("attachment", filename) if filename else b""
        if isinstance(content, str):
            return mime.text_part(content, mimetype.split("/", 1)[1], headers)
        return mime.binary_part(mimetype, content, headers)

    def _headers(self) -> bytes:
        """The headers `message()` sets, in its order (Django's EmailMessage.message)."""
        extra = self.extra_headers
        names = {name.lower() for name in extra}
        lines = [mime.header("Subject", self.subject)]
        lines.append(mime.header("From", extra.get("From", self.from_email)))
        for name, values in (("To", self.to), ("Cc", self.cc), ("Reply-To", self.reply_to)):
            if name in extra:
                lines.append(mime.header(name, extra[name]))
            elif values:
                lines.append(mime.header(name, ", ".join(str(v) for v in values)))
        if "date" not in names:
            lines.append(mime.header("Date", mime.date()))
        if "message-id" not in names:
            lines.append(mime.header("Message-ID", make_msgid(domain=DNS_NAME)))
        for name, value in extra.items():
            if name.lower() not in {"from", "to", "cc", "reply-to"}:
                lines.append(mime.header(name, value))
        return b"".join(lines)


def _writable_attachment(attachment) -> bool:
    """A (filename, content, mimetype) that Django makes a plain text or base64 part."""
    if not isinstance(attachment, tuple):  # a MIMEBase of its own
        return False
    _, content, mimetype = attachment
    if mimetype.startswith("text/"):
        return isinstance(content, str)
    return isinstance(content, bytes) and not mimetype.startswith("message/")


_DATA_URI = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def inline_images(html: str) -> tuple[str, list[InlineImage]]:
    """Data-URI PNGs (the payment QR code) become inline parts referenced by cid:, which
    mail clients show where data: URIs are blocked. The stored HTML stays self-contained."""
    images: list[InlineImage] = []

    def to_cid(match: re.Match) -> str:
        n = len(images) + 1
        images.append(InlineImage(f"img{n}@relance", f"qr-{n}.png", base64.b64decode(match[1])))
        return f'src="cid:img{n}@relance"'

    return _DATA_URI.sub(to_cid, html), images


def _text(msg) -> str:
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


class EmailChannel:
    """The transport of the e-mail kinds (RELANCE_CHANNELS). Open once, `send()` many,
    `close()`. A dropped connection is reopened on the next send; the message that saw
    the drop gets a temporary DeliveryError, or an uncertain one when the whole message
    had gone out (see smtp.py)."""

    def __init__(self, connection=None):
        # Django's SMTP backend, told apart from "sent, answer lost" (see smtp.py)
        backend = smtp.BACKEND if settings.EMAIL_BACKEND == smtp.DJANGO_SMTP else None
        self.connection = connection or get_connection(backend, fail_silently=False)

    def build(self, email: Email) -> EmailMultiAlternatives:
        headers = {"Message-ID": email.message_id} if email.message_id else {}
        if email.message_id:
            headers.update(echo_headers(email.message_id))
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
        if hasattr(self.connection, "message_went_out"):
            self.connection.message_went_out = False  # only this message's data counts
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


def echo_headers(message_id: str) -> dict[str, str]:
    """Our Message-ID where Brevo and Postmark send it back in their webhooks' events
    (they name a message by their own id): only when their webhook is configured."""
    headers = {}
    if settings.RELANCE_BREVO_WEBHOOK_SECRET:
        headers["X-Mailin-custom"] = json.dumps({"message_id": message_id})
    if settings.RELANCE_POSTMARK_WEBHOOK_SECRET:
        headers["X-PM-Metadata-message_id"] = message_id
    return headers
