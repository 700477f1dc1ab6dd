"""The navigation's count badge: how many reminders wait for a person's decision."""

from django import template

from inbox.models import InboundMessage
from reminders.review import needing_decision

register = template.Library()


@register.simple_tag(takes_context=True)
def decisions_count(context) -> int:
    """Reminders of the user's company needing review or failed (0 without a company)."""
    membership = getattr(context.get("user"), "membership", None)
    if membership is None:
        return 0
    return needing_decision(membership.company).count()


@register.simple_tag(takes_context=True)
def replies_count(context) -> int:
    """Customers' replies of the user's company waiting for a person (« Réponses »)."""
    membership = getattr(context.get("user"), "membership", None)
    if membership is None:
        return 0
    return InboundMessage.objects.for_company(membership.company).to_handle().count()
