"""Template context shared by every page of the shell: language, direction, navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


def navigation(request) -> list[NavItem]:
    """Links the actor may follow, derived from their scope (never from the URL)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    scope = request.scope
    items = [NavItem("home", _("Home"), reverse("home"))]
    if not scope.is_empty:
        items.append(
            NavItem("establishments", _("Establishments"), reverse("territory:establishment_list"))
        )
    if scope.national:
        items.append(NavItem("admin", _("National administration"), reverse("admin:index")))
    items.append(NavItem("password", _("Password"), reverse("password_change")))
    return items


def shell(request):
    language = get_language() or "ar"
    info = get_language_info(language)
    return {
        "shell_language": language,
        "shell_direction": "rtl" if info["bidi"] else "ltr",
        "shell_navigation": navigation(request),
    }
