"""The admin site is the national administration: national administrators only.

Everyone else gets the same 404 as for any page outside their scope; visitors who are not logged
in are sent to the shell's login page (the admin's own login form would ask for a staff account).
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from massar.accounts.scope import scope_for


class MassarAdminSite(admin.AdminSite):
    site_header = _("Massar — national administration")
    site_title = _("Massar — national administration")
    index_title = _("Reference data, curriculum and accounts")

    def has_permission(self, request):
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and (user.is_superuser or scope_for(user).national)
        )

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise Http404
        return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("login"))
