from django.contrib import admin

from .models import Batch, PhoneCall, Reminder, Template


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["level", "channel", "language", "subject"]
    list_filter = ["channel", "language"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "company", "channel", "created_at", "state"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["pk", "customer", "channel", "level_name", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel"]
    readonly_fields = ["message_id", "claimed_at", "handed_at", "sent_at"]


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    list_display = ["customer", "called_at", "by", "outcome", "promise_date"]
