"""National administration of accounts: users, their roles and scopes, API tokens."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from massar.core.admin import SitePermissionMixin

from .models import ApiToken, RoleAssignment, User
from .tokens import api_tokens_revoke


class RoleAssignmentInline(SitePermissionMixin, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["academy", "directorate", "establishment"]


@admin.register(User)
class UserAdmin(SitePermissionMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "last_name_ar", "is_active"]
    search_fields = ["username", "first_name", "last_name", "first_name_ar", "last_name_ar"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            _("Arabic names and language"),
            {"fields": ["first_name_ar", "last_name_ar", "preferred_language"]},
        ),
    ]
    inlines = [RoleAssignmentInline]


@admin.register(ApiToken)
class ApiTokenAdmin(SitePermissionMixin, admin.ModelAdmin):
    list_display = ["user", "key_id", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "key_id"]
    readonly_fields = [
        "user",
        "key_id",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request, *args):
        return False  # tokens are issued by POST /api/v1/auth/token only

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = api_tokens_revoke(tokens=queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
