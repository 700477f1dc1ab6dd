"""A lone reminder edited in its preview, before it leaves.

A person edits two things: the subject (one line) and the text (the words, without the
payment block, which is added under them unchanged). Keywords typed in the edit are
substituted with the message's values, like in a template, never evaluated; an
unknown one is refused by name.

An e-mail has a text part and an HTML part. Editing the HTML by hand would mean a
rich-text editor, and two parts that no longer say the same thing; instead, when the
text was edited, the HTML part is rebuilt from it (escaped, one paragraph per blank
line, line breaks kept) with the same payment block (QR code) under it: both parts say
what the person wrote. The template's styling and its documents table are then gone,
unless the edit keeps %LISTE_PIECES%, which becomes the table again. A letter is printed
from its HTML, so a letter's edited text is rebuilt the same way and printed as written.
Pure: no database.
"""

import re
from html import escape

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dunning.models import Channel

from .keywords import KEYWORD_RE, Block, substitute, unknown_keywords
from .links import placeholder_to_keyword
from .plaintext import html_to_text
from .rendering import Message, add_breakdown

EDITABLE_CHANNELS = (Channel.EMAIL, Channel.FIRM_EMAIL, Channel.LETTER)
FIELDS = ("subject", "body_text")


def can_edit(msg: Message) -> bool:
    """Worded, and on a channel whose words a person may change (not a call)."""
    return msg.ok and msg.channel in EDITABLE_CHANNELS and msg.template is not None


def editable_text(msg: Message) -> str:
    """The words of a worded message as a person edits them: the template's text with
    the values in, without the payment block. A letter's template usually has only
    HTML (it is printed from it): its text is read from that HTML."""
    template = msg.template
    words = template.body_text if template.body_text.strip() else html_to_text(template.body_html)
    return substitute(words, msg.values).strip()


def clean_edit(edited: dict) -> dict[str, str]:
    """The edit's fields, line breaks made "\\n", or ValidationError naming each field
    ("edited" for the edit as a whole)."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(edited) - set(FIELDS))
    if unknown:
        # body_html included: the HTML part is rebuilt from the text (module docstring)
        errors["edited"] = [
            _("Champ non modifiable : %(f)s (seuls subject et body_text le sont).")
            % {"f": ", ".join(unknown)}
        ]
    fields = {k: one_newline(str(v)) for k, v in edited.items() if k in FIELDS and v is not None}
    subject = fields.get("subject")
    if subject is not None and "\n" in subject:
        errors["subject"] = [_("L'objet ne peut pas contenir de retour à la ligne.")]
    empty = {
        "subject": _("L'objet ne peut pas être vide."),
        "body_text": _("Le texte ne peut pas être vide."),
    }
    for name, value in fields.items():
        if not value.strip():
            errors.setdefault(name, []).append(empty[name])
        unknown_kw = unknown_keywords(value)
        if unknown_kw:
            errors.setdefault(name, []).append(
                _("Mot clé inconnu : %(kw)s.") % {"kw": ", ".join(f"%{k}%" for k in unknown_kw)}
            )
    if errors:
        raise ValidationError(errors)
    return fields


def apply_edit(msg: Message, edited: dict) -> None:
    """Replace the words of a worded message by the edit (subject and/or text)."""
    # the preview's « (lien personnel, créé à l'envoi) » left in the edit: the real link
    fields = {k: placeholder_to_keyword(v) for k, v in clean_edit(edited).items()}
    if not can_edit(msg):
        raise ValidationError(
            {"edited": _("Seuls un e-mail ou une lettre se modifient avant l'envoi.")}
        )
    if "subject" in fields:
        msg.subject = substitute(fields["subject"], msg.values, one_line=True)
    if "body_text" in fields:
        words = fields["body_text"].strip()
        msg.body_text = substitute(words, msg.values)
        msg.body_html = text_to_html(words, msg.values)
        # as Renderer.word does; a template placing %DECOMPTE% put its text in the edit
        t = msg.template
        add_breakdown(msg, f"{t.subject}{t.body_text}{t.body_html}{words}")
        if msg.payment_html:  # as Renderer.word adds it under a template's words
            msg.body_html += msg.payment_html
            msg.body_text = f"{msg.body_text.rstrip()}\n\n{msg.payment_text}\n"
    msg.letter_html = ""  # a letter is laid out when printed, from the stored words


def one_newline(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_to_html(text: str, values: dict) -> str:
    """Text as HTML: a paragraph per blank line, line breaks kept, everything escaped;
    a paragraph that is only a block keyword (%LISTE_PIECES%) becomes its table."""
    parts = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        paragraph = paragraph.strip()
        whole = KEYWORD_RE.fullmatch(paragraph)
        if whole and isinstance(values.get(whole.group(1)), Block):
            parts.append(substitute(paragraph, values, html=True))
            continue
        html = escape(paragraph, quote=False).replace("\n", "<br>")
        parts.append("<p>" + substitute(html, values, html=True) + "</p>")
    return "\n".join(parts)
