from django.contrib import admin
from django.db import models

from .amountfield import AMOUNT_INPUTS
from .models import Allocation, Company, Customer, Document, Membership, Payment


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "currency", "language", "timezone"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role"]
    list_filter = ["company", "role"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contact_name", "emails", "is_business", "no_reminders"]
    list_filter = ["company", "is_business", "no_reminders"]
    search_fields = ["code", "name", "contact_name", "emails"]


class AllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "invoice"
    extra = 0
    readonly_fields = ["payment", "credit_note", "amount", "date"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    formfield_overrides = {models.DecimalField: AMOUNT_INPUTS}  # « 1 234,56 »
    list_display = [
        "number",
        "kind",
        "issue_date",
        "due_date",
        "customer",
        "amount",
        "paid_amount",
        "state",
        "dunning_level",
        "reminder_count",
        "last_reminder_date",
    ]
    list_filter = ["company", "kind", "state", "to_remind", "payment_method", "disputed"]
    search_fields = ["number", "customer__name", "description"]
    readonly_fields = ["paid_amount"]
    raw_id_fields = ["customer"]
    inlines = [AllocationInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    formfield_overrides = {models.DecimalField: AMOUNT_INPUTS}  # « 1 234,56 »
    list_display = ["date", "customer", "amount", "allocated_amount", "method", "reference"]
    list_filter = ["company", "method"]
    search_fields = ["reference", "customer__name"]
    raw_id_fields = ["customer"]
