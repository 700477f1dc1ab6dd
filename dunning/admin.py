from django.contrib import admin

from .models import Level, Policy


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "kind", "is_default"]
    inlines = [LevelInline]
