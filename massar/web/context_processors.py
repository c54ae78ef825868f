"""Template context shared by every page of the shell: language, direction, navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from massar.accounts.models import Role
from massar.schooling.access import read_scope as organisation_scope
from massar.staff.access import read_scope as staff_scope
from massar.students.access import records_scope as scope_for_records
from massar.students.preregistration import owns_preregistrations


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str  # in its own language and script, so that anyone can find theirs
    current: bool


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
    if not scope_for_records(request.user).is_empty:
        items.append(NavItem("students", _("Pupils"), reverse("students:list")))
    if scope.has_role(Role.DIRECTOR, Role.STAFF):
        items.append(NavItem("transfers", _("Transfers"), reverse("students:transfer_list")))
    if not organisation_scope(request.user).is_empty:
        items.append(NavItem("organisation", _("School organisation"), reverse("schooling:index")))
    if not staff_scope(request.user).is_empty:
        items.append(NavItem("staff", _("Staff"), reverse("staff:list")))
    if scope.has_role(Role.TEACHER):
        items.append(NavItem("my-classes", _("My classes"), reverse("staff:my_classes")))
    if not scope.is_empty:
        items.append(NavItem("timetable", _("Timetable"), reverse("timetable:mine")))
        items.append(NavItem("test-calendar", _("Test calendar"), reverse("assessment:calendar")))
    if scope.has_role(Role.TEACHER, Role.DIRECTOR, Role.STAFF):
        items.append(NavItem("mark-sheets", _("Mark sheets"), reverse("assessment:marks_home")))
    if scope.has_role(Role.DIRECTOR, Role.STAFF):
        items.append(NavItem("councils", _("Class councils"), reverse("assessment:council_home")))
    if scope.has_role(Role.DIRECTOR):
        items.append(
            NavItem("publication", _("Publication"), reverse("assessment:results_publication_home"))
        )
    if scope.has_role(Role.STUDENT, Role.PARENT):
        items.append(NavItem("results", _("Results"), reverse("assessment:results_family")))
        items.append(
            NavItem("orientation", _("Orientation"), reverse("assessment:orientation_mine"))
        )
    # Online pre-registration: the school's review queue, and a parent's own requests. Anyone
    # without a role may be a parent signing up (no query); a parent (only role) sees it once
    # they own a request (one indexed query); staff roles are not asked, to keep pages cheap.
    if scope.has_role(Role.DIRECTOR, Role.STAFF):
        items.append(
            NavItem(
                "preregistrations",
                _("Pre-registrations"),
                reverse("students:preregistration_queue"),
            )
        )
    if scope.is_empty or (scope.roles == {Role.PARENT} and owns_preregistrations(user)):
        items.append(
            NavItem(
                "my-preregistrations",
                _("My pre-registrations"),
                reverse("students:preregistration_mine"),
            )
        )
    # Offered only to whom the admin site itself lets in, so the link never leads to a refusal.
    if scope.national and admin.site.has_permission(request):
        items.append(NavItem("admin", _("National administration"), reverse("admin:index")))
    items.append(NavItem("password", _("Password"), reverse("password_change")))
    return items


def languages(current: str) -> list[LanguageChoice]:
    return [
        LanguageChoice(code, get_language_info(code)["name_local"], code == current)
        for code, _name in settings.LANGUAGES
    ]


def shell(request):
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    choices = languages(language)
    return {
        "shell_language": language,
        "shell_direction": "rtl" if get_language_info(language)["bidi"] else "ltr",
        "shell_languages": choices,
        "shell_other_languages": [choice for choice in choices if not choice.current],
        "shell_navigation": navigation(request),
    }
