"""Base classes for the national administration (Django's admin site).

Who may use the admin is decided by the site (``massar.web.admin_site``); model admins defer to
it instead of Django's per-model permissions, so a national administrator needs neither
``is_staff`` nor model permissions, and nobody else gets in.
"""

from simple_history.admin import SimpleHistoryAdmin


class SitePermissionMixin:
    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, *args):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)


class NationalModelAdmin(SitePermissionMixin, SimpleHistoryAdmin):
    """A model admin for national administrators, with the change history of each object."""
