"""The navigation's count badge: how many reminders wait for a person's decision."""

from django import template

from reminders.review import needing_decision

register = template.Library()


@register.simple_tag(takes_context=True)
def decisions_count(context) -> int:
    """Reminders of the user's company needing review or failed (0 without a company)."""
    membership = getattr(context.get("user"), "membership", None)
    if membership is None:
        return 0
    return needing_decision(membership.company).count()
