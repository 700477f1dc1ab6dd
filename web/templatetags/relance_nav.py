"""The navigation's count badge: how many reminders wait for a person's decision."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def decisions_count(context) -> int:
    """Reminders of the user's company needing review or failed (0 without a company)."""
    from web.screens.common import reminders_installed

    membership = getattr(context.get("user"), "membership", None)
    if membership is None or not reminders_installed():
        return 0
    from reminders.review import needing_decision

    return needing_decision(membership.company).count()
