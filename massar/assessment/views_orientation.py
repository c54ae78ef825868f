"""Pages of orientation: a pupil's or parent's wishes, a school's places per stream, the wishes
against the places for a class, the merit proposal of a year council, and re-registration from
the validated year councils.

Every object named by the URL goes through ``access.py``: missing and forbidden are one 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massar.core.errors import DomainError
from massar.territory.models import SchoolYear

from . import access
from . import selectors_councils as selectors
from . import services_orientation as services
from .forms_councils import CapacitiesForm, ReRegistrationForm, WishesForm
from .models.windows import OrientationPhase
from .views_councils import current_year, or_404

# --- pupils and parents -----------------------------------------------------------------------


@login_required
@require_GET
def orientation_mine_view(request):
    """ "Orientation" of the navigation: the pupil's own wishes, or a parent's children."""
    enrolments = list(access.family_enrolments(request.user))
    if not enrolments and not access.family_students(request.user).exists():
        raise Http404
    oriented = selectors.orientation_level_ids(current_year())
    children = [e for e in enrolments if e.level_id in oriented]
    if len(children) == 1 and len(enrolments) == 1:
        return redirect("assessment:orientation_wishes", code=children[0].student.code_massar)
    return render(
        request,
        "assessment/orientation_mine.html",
        {"children": children, "others": [e for e in enrolments if e.level_id not in oriented]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def orientation_wishes_view(request, code: str):
    """One pupil's wishes: the open phase's form, or the dates when no phase is open."""
    student = or_404(access.access_family_student, actor=request.user, code=code)
    enrolment = access.family_enrolments(request.user).filter(student=student).first()
    if enrolment is None:
        raise Http404
    windows = selectors.orientation_windows(enrolment.school_year, enrolment.level)
    today = timezone.localdate()
    window = services.open_phase(windows, today) if windows else None
    following = selectors.next_level(enrolment.level) if windows else None
    streams = selectors.streams_of(following)
    wishes = selectors.wishes_of(enrolment)
    error = None
    status = 200
    form = None
    if window is not None:
        current = [wish.stream.code for wish in wishes.get(window.phase, [])]
        if not current and window.phase == OrientationPhase.FINAL:
            current = [wish.stream.code for wish in wishes.get(OrientationPhase.FIRST, [])]
        form = WishesForm(
            request.POST if request.method == "POST" else None,
            streams=streams,
            max_wishes=window.max_wishes,
            initial_codes=current,
        )
    if request.method == "POST":
        if form is None:
            error = _("No orientation phase is open today.")
            status = 400
        elif form.is_valid():
            try:
                services.wishes_save(
                    actor=request.user,
                    enrolment=enrolment,
                    phase=window.phase,
                    streams=form.chosen_streams(),
                    on=today,
                )
            except DomainError as failure:
                error, status = failure.message, failure.status
            else:
                messages.success(request, _("Your wishes are saved."))
                return redirect("assessment:orientation_wishes", code=student.code_massar)
        else:
            error, status = _("Choose streams from the lists."), 400
    context = {
        "student": student,
        "enrolment": enrolment,
        "windows": [windows[phase] for phase in sorted(windows)],
        "window": window,
        "next_level": following,
        "form": form,
        "wishes": [(OrientationPhase(phase).label, items) for phase, items in wishes.items()],
        "error": error,
    }
    return render(request, "assessment/orientation_wishes.html", context, status=status)


# --- the school ---------------------------------------------------------------------------------


@login_required
@require_GET
def orientation_classes_view(request, code: str):
    """The school's classes of orientation levels, with how many pupils gave wishes."""
    establishment = or_404(access.access_establishment, actor=request.user, code=code)
    year = current_year()
    context = {
        "establishment": establishment,
        "school_year": year,
        "classes": selectors.orientation_classes(establishment=establishment, school_year=year),
        "can_write": access.is_school_of(request.user, establishment),
    }
    return render(request, "assessment/orientation_classes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def orientation_capacities_view(request, code: str):
    """Places per stream of the next level (the school's director and staff set them)."""
    write = request.method == "POST"
    establishment = or_404(access.access_establishment, actor=request.user, code=code, write=write)
    year = current_year()
    rows = selectors.capacity_rows(establishment=establishment, school_year=year)
    can_write = access.is_school_of(request.user, establishment)
    form = CapacitiesForm(request.POST if write else None, rows=rows) if can_write else None
    error = None
    status = 200
    if write:
        if form.is_valid():
            try:
                services.capacities_set(
                    actor=request.user,
                    establishment=establishment,
                    school_year=year,
                    places=form.places(),
                )
            except DomainError as failure:
                error, status = failure.message, failure.status
            else:
                messages.success(request, _("The places are saved."))
                return redirect("assessment:orientation_capacities", code=establishment.code)
        else:
            status = 400
    context = {
        "establishment": establishment,
        "school_year": year,
        "rows": [(row, form[f"places_{row.stream.code}"] if form else None) for row in rows],
        "form": form,
        "can_write": can_write,
        "error": error,
    }
    return render(request, "assessment/orientation_capacities.html", context, status=status)


@login_required
@require_GET
def orientation_class_view(request, public_id):
    """Wishes against places for one class, and the year council's streams."""
    school_class = or_404(access.access_class, actor=request.user, public_id=public_id)
    if not selectors.is_orientation_level(school_class.school_year, school_class.level):
        raise Http404
    summary = selectors.class_orientation(school_class)
    context = {
        "school_class": school_class,
        "establishment": school_class.establishment,
        "summary": summary,
        "can_write": access.is_school_of(request.user, school_class.establishment),
    }
    return render(request, "assessment/orientation_class.html", context)


@login_required
@require_POST
def orientation_propose_view(request, public_id):
    """Give the council's passing pupils a stream by merit, within the places left."""
    council = or_404(access.access_council, actor=request.user, public_id=public_id, write=True)
    try:
        result = services.orientation_propose(actor=request.user, council=council)
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            _("Streams proposed to %(count)s pupil(s).") % {"count": sum(result.assigned.values())},
        )
        if result.unplaced:
            messages.warning(
                request,
                _("No place left in any of their wishes: %(names)s.")
                % {"names": ", ".join(row.enrolment.student.full_name for row in result.unplaced)},
            )
        if result.without_wishes:
            messages.warning(
                request,
                _("No final wishes: %(names)s.")
                % {
                    "names": ", ".join(
                        row.enrolment.student.full_name for row in result.without_wishes
                    )
                },
            )
    return redirect("assessment:council_detail", public_id=council.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def council_reregistration_view(request, code: str):
    """Re-register the pupils of the validated year councils into a later school year."""
    establishment = or_404(access.access_establishment, actor=request.user, code=code, write=True)
    year = current_year()
    years = list(SchoolYear.objects.filter(starts_on__gt=year.starts_on).order_by("starts_on"))
    form = ReRegistrationForm(request.POST or None, years=years)
    report = None
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = services.reregister_from_councils(
                    actor=request.user,
                    establishment=establishment,
                    from_year=year,
                    to_year=form.chosen_year(),
                )
            except DomainError as failure:
                error, status = failure.message, failure.status
        else:
            status = 400
    context = {
        "establishment": establishment,
        "school_year": year,
        "years": years,
        "form": form,
        "report": report,
        "error": error,
    }
    return render(request, "assessment/council_reregistration.html", context, status=status)
