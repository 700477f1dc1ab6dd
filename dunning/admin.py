from django.contrib import admin
from django.db import models

from receivables.amountfield import AMOUNT_INPUTS

from .models import LateChargeRule, Level, Policy, ReferenceRate


class LevelInline(admin.TabularInline):
    formfield_overrides = {models.DecimalField: AMOUNT_INPUTS}  # « 1 234,56 »
    model = Level
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "kind", "is_default"]
    inlines = [LevelInline]


@admin.register(ReferenceRate)
class ReferenceRateAdmin(admin.ModelAdmin):
    formfield_overrides = {models.DecimalField: AMOUNT_INPUTS}  # « 1 234,56 »
    list_display = ["series", "date", "rate", "source"]
    list_filter = ["series"]


@admin.register(LateChargeRule)
class LateChargeRuleAdmin(admin.ModelAdmin):
    formfield_overrides = {models.DecimalField: AMOUNT_INPUTS}  # « 1 234,56 »
    list_display = ["name", "jurisdiction", "business", "rate_series", "margin_points"]
