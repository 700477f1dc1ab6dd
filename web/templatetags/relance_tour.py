"""« Par où commencer ? »: the home page's guided tour, the seed screen's story told on
the company's own data — the invoices never reminded yet, Rel mail, the summary."""

from django import template

from receivables.models import Document, DocumentKind

register = template.Library()


@register.inclusion_tag("web/tour.html")
def guided_tour(company):
    first = list(
        Document.objects.for_company(company)
        .filter(kind=DocumentKind.INVOICE, to_remind=True, reminder_count=0)
        .select_related("customer")
        .order_by("due_date", "number")[:2]
    )
    today = company.today()
    return {
        "first": [(doc, (today - doc.due_date).days) for doc in first],
        "to_remind": Document.objects.for_company(company).filter(to_remind=True).count(),
    }
