"""Pages of class councils: a school's councils per period, opening one, the council screen
(a row per pupil saved on its own with htmx), refreshing averages, validation by the director,
and the minutes as PDF.

Every object named by the URL goes through ``access.py``: missing and forbidden are one 404.
Officers and the class's teachers read; the school's director and staff prepare; the director
validates.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import DomainError, NotFound
from massar.core.pages import wants_fragment
from massar.students.models import YearDecision
from massar.territory.models import Establishment
from massar.territory.selectors import current_school_year

from . import access
from . import selectors_councils as selectors
from . import services_councils as services
from .councils_pdf import minutes_pdf
from .forms_councils import CouncilHeadingForm, CouncilOpenForm, DecisionRowForm
from .models import CouncilAppreciation, Period

ESTABLISHMENT_CODE = re.compile(r"[0-9A-Za-z]{1,12}")


def or_404(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except NotFound as error:
        raise Http404 from error


def current_year():
    year = current_school_year()
    if year is None:
        raise Http404
    return year


def _period(request) -> int:
    raw = request.GET.get("period", "")
    return int(raw) if raw.isdigit() and int(raw) in Period.values else Period.YEAR


# --- entry and a school's councils ------------------------------------------------------------


@login_required
@require_GET
def council_home_view(request):
    """ "Class councils" of the navigation: the school of a director or staff member, or a
    school code to type for officers."""
    school = access.school_scope(request.user)
    readers = access.read_scope(request.user)
    if readers.is_empty:
        raise Http404
    code = request.GET.get("code", "").strip()
    if ESTABLISHMENT_CODE.fullmatch(code):
        return redirect("assessment:council_list", code=code.upper())
    schools = (
        list(school.filter_establishments(Establishment.objects.all()).order_by("code")[:50])
        if not school.is_empty
        else []
    )
    if len(schools) == 1:
        return redirect("assessment:council_list", code=schools[0].code)
    return render(request, "assessment/council_home.html", {"schools": schools})


@login_required
@require_GET
def council_list_view(request, code: str):
    """The classes of a school with their council of the chosen period and its state."""
    establishment = or_404(access.access_establishment, actor=request.user, code=code)
    year = current_year()
    period = _period(request)
    rows = selectors.school_councils(establishment=establishment, school_year=year, period=period)
    can_write = access.is_school_of(request.user, establishment)
    open_form = None
    if can_write:
        classes = [row.school_class for row in rows if row.council is None]
        open_form = CouncilOpenForm(
            classes=classes, initial={"period": period, "held_on": None}, auto_id="open-%s"
        )
    context = {
        "establishment": establishment,
        "school_year": year,
        "period": period,
        "periods": Period.choices,
        "rows": rows,
        "can_write": can_write,
        "open_form": open_form,
    }
    return render(request, "assessment/council_list.html", context)


@login_required
@require_POST
def council_open_view(request, code: str):
    establishment = or_404(access.access_establishment, actor=request.user, code=code, write=True)
    year = current_year()
    raw = request.POST.get("period", "")
    period = int(raw) if raw.isdigit() and int(raw) in Period.values else Period.YEAR
    classes = list(
        selectors.classes_without_council(
            establishment=establishment, school_year=year, period=period
        )
    )
    form = CouncilOpenForm(request.POST, classes=classes, auto_id="open-%s")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_list_url(establishment.code, period))
    data = form.cleaned_data
    school_class = or_404(
        access.access_class, actor=request.user, public_id=data["school_class"], write=True
    )
    if school_class.establishment_id != establishment.pk:
        raise Http404
    try:
        council = services.council_open(
            actor=request.user,
            school_class=school_class,
            period=data["period"],
            held_on=data["held_on"],
            members=data["members"],
            minutes=data["minutes"],
        )
    except DomainError as failure:
        messages.error(request, failure.message)
        return redirect(_list_url(establishment.code, data["period"]))
    messages.success(
        request,
        _("The council of %(class)s is open with %(count)s pupil(s).")
        % {"class": school_class.name, "count": council.decisions.count()},
    )
    return redirect("assessment:council_detail", public_id=council.public_id)


def _list_url(code: str, period: int) -> str:
    return f"{reverse('assessment:council_list', args=[code])}?period={period}"


# --- the council screen -----------------------------------------------------------------------


def _screen_context(request, council, *, heading_form=None):
    can_write = access.is_school_of(request.user, council.establishment) and not council.is_locked
    return {
        "council": council,
        "establishment": council.establishment,
        "school_class": council.school_class,
        "rows": selectors.council_rows(council),
        "facts": selectors.council_context(council),
        "can_write": can_write,
        "can_validate": can_write and access.is_director_of(request.user, council.establishment),
        "decisions": YearDecision.choices,
        "appreciations": CouncilAppreciation.choices,
        "heading_form": heading_form
        or (
            CouncilHeadingForm(
                initial={
                    "held_on": council.held_on,
                    "members": council.members,
                    "minutes": council.minutes,
                },
                auto_id="heading-%s",
            )
            if can_write
            else None
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def council_detail_view(request, public_id):
    """The council: heading (date, members, minutes) and a row per pupil."""
    if request.method == "POST":
        council = or_404(access.access_council, actor=request.user, public_id=public_id, write=True)
        form = CouncilHeadingForm(request.POST, auto_id="heading-%s")
        if form.is_valid():
            try:
                services.council_update(actor=request.user, council=council, **form.cleaned_data)
            except DomainError as failure:
                messages.error(request, failure.message)
            else:
                messages.success(request, _("The council's heading is saved."))
                return redirect("assessment:council_detail", public_id=council.public_id)
        context = _screen_context(request, council, heading_form=form)
        return render(request, "assessment/council_detail.html", context, status=400)
    council = or_404(access.access_council, actor=request.user, public_id=public_id)
    return render(request, "assessment/council_detail.html", _screen_context(request, council))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def council_row_view(request, public_id, code: str):
    """Save one pupil's row; an htmx request gets the row back with its feedback."""
    council = or_404(access.access_council, actor=request.user, public_id=public_id, write=True)
    row = selectors.council_row(council, code)
    if row is None:
        raise Http404
    form = DecisionRowForm(request.POST)
    error, saved = "", False
    if form.is_valid():
        try:
            services.council_decision_save(
                actor=request.user,
                council=council,
                row=row,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                appreciation=form.cleaned_data["appreciation"],
                remark=form.cleaned_data["remark"],
                next_stream=form.chosen_stream(),
            )
        except forms.ValidationError as invalid:
            error = " ".join(invalid.messages)
        except DomainError as failure:
            error = str(failure.message)
        else:
            saved = True
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not wants_fragment(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("The row of %(name)s is saved.") % {"name": row.enrolment.student.full_name},
            )
        return redirect("assessment:council_detail", public_id=council.public_id)
    fresh = selectors.council_row(council, code)
    if error:  # keep what was typed, so that it can be corrected
        fresh.decision = form.data.get("decision", fresh.decision)
        fresh.reason = form.data.get("reason", fresh.reason)
        fresh.appreciation = form.data.get("appreciation", fresh.appreciation)
        fresh.remark = form.data.get("remark", fresh.remark)
    context = {
        "council": council,
        "row": fresh,
        "facts": selectors.council_context(council),
        "can_write": True,
        "decisions": YearDecision.choices,
        "appreciations": CouncilAppreciation.choices,
        "error": error,
        "saved": saved,
        "chosen_stream": form.data.get("next_stream", "") if error else None,
    }
    return render(request, "assessment/council_detail.html#row", context)


@login_required
@require_POST
def council_refresh_view(request, public_id):
    council = or_404(access.access_council, actor=request.user, public_id=public_id, write=True)
    try:
        result = services.council_refresh(actor=request.user, council=council)
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            _(
                "Averages read again: %(added)s pupil(s) added, %(removed)s removed, "
                "%(updated)s updated."
            )
            % {"added": result.added, "removed": result.removed, "updated": result.updated},
        )
    return redirect("assessment:council_detail", public_id=council.public_id)


@login_required
@require_POST
def council_validate_view(request, public_id):
    """The director validates and locks the council (staff are refused with a message)."""
    council = or_404(access.access_council, actor=request.user, public_id=public_id, write=True)
    try:
        result = services.council_validate(actor=request.user, council=council)
    except DomainError as failure:
        messages.error(request, failure.message)
        return redirect("assessment:council_detail", public_id=council.public_id)
    if result.enrolments_written:
        messages.success(
            request,
            _("The council is validated and locked; %(count)s decision(s) are recorded.")
            % {"count": result.enrolments_written},
        )
    else:
        messages.success(request, _("The council is validated and locked."))
    return redirect("assessment:council_detail", public_id=council.public_id)


@login_required
@require_GET
def council_minutes_view(request, public_id):
    """The minutes of the council as PDF (whoever reads the council)."""
    council = or_404(access.access_council, actor=request.user, public_id=public_id)
    content = minutes_pdf(council, selectors.council_rows(council))
    response = HttpResponse(content, content_type="application/pdf")
    name = f"council-{council.establishment.code}-{council.school_class.name}-{council.period}"
    safe = re.sub(r"[^0-9A-Za-z_-]+", "-", name).strip("-")
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
