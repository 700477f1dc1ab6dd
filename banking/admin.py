from django.contrib import admin

from .models import Statement, StatementLine


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["account", "format", "date_from", "date_to", "imported_at", "company"]


@admin.register(StatementLine)
class StatementLineAdmin(admin.ModelAdmin):
    list_display = ["booking_date", "amount", "counterparty", "status", "rule", "company"]
    list_filter = ["status"]
