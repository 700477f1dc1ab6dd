from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import ApiToken
from .tokens import TokenError, create_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "company", "created_at", "last_used_at", "revoked_at")
    list_filter = ("company",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("prefix", "company", "created_at", "last_used_at")

    def get_fields(self, request, obj=None):
        if obj is None:  # creating: only who and what for; the rest is generated
            return ("user", "name")
        return ("user", "name", "prefix", "company", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (("user",) if obj else ())

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            token, raw = create_token(obj.user, obj.name)
        except TokenError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        self.message_user(
            request,
            _("Jeton créé. Copiez-le maintenant, il ne sera plus affiché : %(token)s")
            % {"token": raw},
            messages.WARNING,
        )
