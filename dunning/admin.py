from django.contrib import admin

from .models import LateChargeRule, Level, Policy, ReferenceRate


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "kind", "is_default"]
    inlines = [LevelInline]


@admin.register(ReferenceRate)
class ReferenceRateAdmin(admin.ModelAdmin):
    list_display = ["series", "date", "rate", "source"]
    list_filter = ["series"]


@admin.register(LateChargeRule)
class LateChargeRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "business", "rate_series", "margin_points"]
