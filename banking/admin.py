from django.contrib import admin
from django.db import models

from receivables.amountfield import AMOUNT_INPUTS

from .models import Statement, StatementLine


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["account", "format", "date_from", "date_to", "imported_at", "company"]


@admin.register(StatementLine)
class StatementLineAdmin(admin.ModelAdmin):
    formfield_overrides = {models.DecimalField: AMOUNT_INPUTS}  # « 1 234,56 »
    list_display = ["booking_date", "amount", "counterparty", "status", "rule", "company"]
    list_filter = ["status"]
