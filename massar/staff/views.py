"""Pages of the staff file: the school's staff list (htmx filters), a file with its tabs
(file, assignments, history), creating and editing a file, creating a file's login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import DomainError, NotFound
from massar.core.pages import page_of, wants_fragment

from . import access, history, loads, selectors, services
from .forms import StaffFilterForm, StaffForm, add_failure

PAGE_SIZE = 25
TABS = ("file", "assignments", "history")


def _staff_or_404(request, public_id, *, for_write: bool = False):
    try:
        return access.access_staff_by_public_id(
            actor=request.user, public_id=public_id, for_write=for_write
        )
    except NotFound as error:
        raise Http404 from error


@login_required
@vary_on_headers("HX-Request")
def staff_list_view(request):
    scope = access.read_scope(request.user)
    if scope.is_empty:
        raise Http404
    form = StaffFilterForm(request.GET or None, scope=scope)
    queryset = selectors.staff_list(scope=scope, filters=form.filters())
    page, query = page_of(request, queryset, per_page=PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "invalid": form.is_bound and not form.is_valid(),
        "can_create": bool(access.writable_establishments(request.user)),
    }
    template = "staff/staff_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@login_required
def staff_detail_view(request, public_id):
    staff = _staff_or_404(request, public_id)
    tab = request.GET.get("tab", "file")
    if tab not in TABS:
        tab = "file"
    year = selectors.current_year()
    staff = selectors.staff_detail(staff, year)
    context = {
        "staff": staff,
        "tab": tab,
        "year": year,
        "state": loads.load_state(staff.load, staff.quota),
        "can_write": access.can_write_at(request.user, staff.main_establishment),
    }
    if tab == "assignments":
        context["assignments"] = list(selectors.assignments_of(staff, year))
    elif tab == "history":
        context["history"] = history.staff_history(staff)
    return render(request, "staff/staff_detail.html", context)


def _created_page(request, created: services.StaffCreated):
    """The new login's temporary password is shown on this answer only, never stored."""
    return render(request, "staff/staff_created.html", {"created": created})


@login_required
@require_http_methods(["GET", "POST"])
def staff_create_view(request):
    establishments = access.writable_establishments(request.user)
    if not establishments:
        raise Http404
    form = StaffForm(request.POST or None, establishments=establishments)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.staff_member_create(
                actor=request.user,
                main_establishment=form.main(),
                data=form.staff_data(),
                create_account=form.cleaned_data["create_account"],
            )
        except DomainError as failure:
            add_failure(form, failure)
        else:
            if created.initial_password:
                return _created_page(request, created)
            messages.success(
                request,
                _("The file of %(name)s is saved.") % {"name": created.staff_member.display_name},
            )
            return redirect("staff:detail", public_id=created.staff_member.public_id)
    status = 400 if form.errors else 200
    return render(request, "staff/staff_form.html", {"form": form, "staff": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit_view(request, public_id):
    staff = _staff_or_404(request, public_id, for_write=True)
    establishments = access.writable_establishments(request.user)
    form = StaffForm(request.POST or None, establishments=establishments, staff=staff)
    if request.method == "POST" and form.is_valid():
        create_account = form.cleaned_data.get("create_account", False)
        try:
            created = services.staff_member_update(
                actor=request.user,
                staff_member=staff,
                data=form.staff_data(),
                main_establishment=form.main(),
                create_account=create_account,
            )
        except DomainError as failure:
            add_failure(form, failure)
        else:
            if created.initial_password:
                return _created_page(request, created)
            messages.success(
                request, _("The file of %(name)s is saved.") % {"name": staff.display_name}
            )
            return redirect("staff:detail", public_id=staff.public_id)
    status = 400 if form.errors else 200
    return render(request, "staff/staff_form.html", {"form": form, "staff": staff}, status=status)


@login_required
@require_POST
def staff_account_view(request, public_id):
    """Create the login of a file that has none."""
    staff = _staff_or_404(request, public_id, for_write=True)
    try:
        created = services.staff_member_create_account(actor=request.user, staff_member=staff)
    except DomainError as failure:
        messages.error(request, failure.message)
        return redirect("staff:detail", public_id=staff.public_id)
    return _created_page(request, created)
