"""Mark-entry pages: a teacher's sheets; a school's sheets per semester (the director's
validation board); the sheet itself, saved row by row in place (htmx) or as a whole form (without
script), with a pasted column, conflicts shown and the number of tests; corrections of a locked
sheet asked for by the teacher and decided by the director.

Every object named by the URL is fetched through ``access`` (missing and forbidden are the same
404). htmx requests get fragments that update the page out of band, always with status 200
(htmx swaps only successful answers); the same requests without htmx get the whole page, with
400 (bad marks) or 409 (a conflict) when a save is refused, or a redirect when it is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import DomainError, NotFound, ValidationFailed
from massar.core.pages import wants_fragment
from massar.territory.selectors import current_school_year

from . import access
from . import forms_marks as forms
from . import selectors_marks as selectors
from . import services_marks as services
from .models import MarkField, Semester
from .rules import entry_window, rule_for_class
from .services_marks import StaleMarks


def _or_404(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except NotFound as error:
        raise Http404 from error


def _current_year():
    year = current_school_year()
    if year is None:
        raise Http404
    return year


def _semester(raw, default: int = 1) -> int:
    return int(raw) if str(raw) in ("1", "2") else default


# --- lists ------------------------------------------------------------------------------------


@login_required
@require_GET
def marks_home_view(request):
    """ "Mark sheets": the class × subject pairs the actor teaches, per semester, and the schools
    whose sheets they follow (a director or staff member with one school goes straight there)."""
    year = _current_year()
    lines = selectors.teacher_sheet_lines(request.user, year)
    schools = selectors.schools_run_by(request.user)
    teaches = any(lines.values())
    if not teaches and len(schools) == 1:
        return redirect("assessment:marks_school", code=schools[0].code)
    context = {
        "year": year,
        "semesters": [(Semester(s).label, lines[s]) for s in Semester.values],
        "teaches": teaches,
        "schools": schools,
    }
    return render(request, "assessment/marks_home.html", context)


@login_required
@require_GET
def school_sheets_view(request, code: str):
    """The school's sheets of a semester, class by class: status, empty cells, corrections
    waiting; the director validates from here. Officers of the school's area read it."""
    establishment = _or_404(access.access_establishment, actor=request.user, code=code)
    year = _current_year()
    semester = _semester(request.GET.get("semester"))
    classes = selectors.school_sheet_lines(establishment, year, semester)
    window = entry_window(establishment=establishment, school_year=year, semester=semester)
    pending = sum(
        line.sheet.pending_count for group in classes for line in group.lines if line.sheet
    )
    context = {
        "establishment": establishment,
        "year": year,
        "semester": semester,
        "semesters": [(value, Semester(value).label) for value in Semester.values],
        "classes": classes,
        "window": window,
        "entry_open": selectors.window_is_open(window),
        "pending": pending,
        "is_director": access.is_director_of(request.user, establishment),
        "runs_school": access.is_school_of(request.user, establishment),
    }
    return render(request, "assessment/marks_school.html", context)


@login_required
@require_POST
def sheet_start_view(request, public_id, subject: str, semester: int):
    """Open (create, or add the pupils placed since) the sheet of a class × subject × semester."""
    school_class, subject_obj = _or_404(
        access.access_class_subject,
        actor=request.user,
        class_public_id=public_id,
        subject_code=subject,
        write=True,
    )
    try:
        sheet = services.sheet_open(
            actor=request.user, school_class=school_class, subject=subject_obj, semester=semester
        )
    except NotFound as error:
        raise Http404 from error
    except DomainError as failure:
        messages.error(request, failure.message)
        return redirect("assessment:marks_home")
    return redirect("assessment:marks_sheet", public_id=sheet.public_id)


# --- the sheet --------------------------------------------------------------------------------


def _sheet(request, public_id, *, write: bool):
    """The sheet and whether the actor may enter its marks (read-only for officers)."""
    try:
        return access.access_sheet(actor=request.user, public_id=public_id, write=True), True
    except NotFound as error:
        if write:
            raise Http404 from error
    return _or_404(access.access_sheet, actor=request.user, public_id=public_id), False


def _sheet_context(request, sheet, *, can_edit: bool) -> dict:
    """What every rendering of the sheet needs (two queries: the rule and the window)."""
    school_class = sheet.school_class
    try:
        rule = rule_for_class(school_class)
    except ValidationFailed as failure:
        rule, rule_error = None, failure.message
    else:
        rule_error = ""
    window = entry_window(
        establishment=sheet.establishment, school_year=sheet.school_year, semester=sheet.semester
    )
    entry_open = selectors.window_is_open(window)
    columns = selectors.sheet_columns(sheet.test_count)
    editable = can_edit and not sheet.is_locked and entry_open and rule is not None
    return {
        "sheet": sheet,
        "school_class": school_class,
        "subject": sheet.subject,
        "semester_label": Semester(sheet.semester).label,
        "rule": rule,
        "rule_error": rule_error,
        "window": window,
        "entry_open": entry_open,
        "can_edit": can_edit,
        "editable": editable,
        "can_correct": can_edit and sheet.is_locked,
        "is_director": access.is_director_of(request.user, sheet.establishment),
        "reads_school": access.reads_school(request.user, sheet.establishment),
        "columns": [(name, forms.column_label(name)) for name in columns],
        "column_names": columns,
        "absent_word": forms.absent_word(),
        **_urls(sheet),
    }


def _urls(sheet) -> dict:
    return {
        "save_url": reverse("assessment:marks_save", args=[sheet.public_id]),
        "correction_url": reverse("assessment:marks_correction", args=[sheet.public_id]),
    }


def _answer_context(sheet) -> dict:
    """What the answers to a save need (no query): the save went past the checks of the lock,
    the entry window and the editor, so the rows it sends back are editable."""
    return {
        "sheet": sheet,
        "editable": True,
        "can_correct": False,
        "columns": [
            (name, forms.column_label(name)) for name in selectors.sheet_columns(sheet.test_count)
        ],
        **_urls(sheet),
    }


def _sheet_page(request, sheet, *, can_edit, rows=None, views=None, status=200, **extra):
    context = _sheet_context(request, sheet, can_edit=can_edit)
    rows = rows if rows is not None else selectors.sheet_rows(sheet)
    pending = selectors.pending_corrections(sheet) if sheet.is_locked else {}
    if views is None:
        views = forms.row_views(rows, context["column_names"], pending=pending)
    empty = sum(1 for view in views for cell in view.cells if not cell.value)
    latest = max((row.updated_at for row in rows if row.version > 1), default=None)
    maximum = context["rule"].max_tests_per_semester if context["rule"] else 4
    context.update(
        rows=views,
        pupil_count=len(views),
        empty_count=empty,
        pending_count=len(pending),
        last_saved=latest,
        missing_rows=(
            selectors.pupils_without_row(sheet) if can_edit and not sheet.is_locked else 0
        ),
        tests_form=forms.SheetTestsForm(initial={"test_count": sheet.test_count}, maximum=maximum),
        **extra,
    )
    return render(request, "assessment/marks_sheet.html", context, status=status)


@login_required
@require_GET
def sheet_view(request, public_id):
    sheet, can_edit = _sheet(request, public_id, write=False)
    return _sheet_page(request, sheet, can_edit=can_edit)


@login_required
@require_GET
def sheet_row_view(request, public_id, code: str):
    """One row as saved now (htmx: "use their marks" after a conflict)."""
    sheet, can_edit = _sheet(request, public_id, write=False)
    rows = selectors.sheet_rows(sheet, codes=[code.upper()])
    if not rows:
        raise Http404
    if not wants_fragment(request):
        return redirect(reverse("assessment:marks_sheet", args=[sheet.public_id]) + f"#row-{code}")
    context = _sheet_context(request, sheet, can_edit=can_edit)
    numbers = {code.upper(): _int_or(request.GET.get("n"), 1)}
    context["row"] = forms.row_views(rows, context["column_names"], numbers=numbers)[0]
    return render(request, "assessment/marks_sheet.html#row", context)


def _int_or(raw, default: int) -> int:
    try:
        return max(1, int(str(raw)))
    except (TypeError, ValueError):
        return default


@login_required
@require_POST
def sheet_save_view(request, public_id):
    """Save what the sheet form sent: one row (htmx, on each change), the whole sheet (the
    form's button or Enter, without script) and a pasted column, in one ``marks_save``."""
    sheet, _can_edit = _sheet(request, public_id, write=True)
    columns = selectors.sheet_columns(sheet.test_count)
    # Every mark field is read: a column removed meanwhile is refused by the service, not
    # dropped with what was typed in it.
    sent = forms.read_rows(request.POST, forms.ALL_FIELDS)
    paste, paste_error = forms.read_paste(request.POST, columns)
    whole = "whole" in request.POST or paste is not None
    # The whole form (and a positional paste) needs every row; one row needs only itself.
    current = selectors.sheet_rows(sheet, codes=None if whole else list(sent))
    submission = forms.build_submission(rows=sent, paste=paste, sheet_rows=current, columns=columns)
    if paste_error:
        submission.errors.append({"loc": [], "msg": paste_error})
    refused = None
    if submission.errors:
        refused = ValidationFailed(
            _("Some marks are not valid: nothing was saved."),
            code="invalid_marks",
            details=submission.errors,
        )
    elif submission.changes:
        try:
            result = services.marks_save(
                actor=request.user, sheet=sheet, changes=submission.changes
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as failure:
            refused = failure
    else:
        result = None
    if refused is not None:
        return _refused(request, sheet, refused, submission, sent, current, whole=whole)
    saved = result.saved_rows if result else 0
    if not wants_fragment(request):
        if saved:
            messages.success(request, _saved_message(saved))
        else:
            messages.info(request, _saved_message(saved))
        return redirect("assessment:marks_sheet", public_id=sheet.public_id)
    fresh = selectors.sheet_rows(sheet, codes=submission.codes) if submission.codes else []
    numbers = _positions(current) if whole else None
    context = _answer_context(sheet)
    context.update(
        rows=forms.row_views(fresh, columns, numbers=numbers, saved=set(submission.codes)),
        swap_rows=whole,
        feedback=_saved_message(saved),
        clear_paste=paste is not None,
    )
    return render(request, "assessment/marks_sheet.html#answer", context)


def _positions(rows) -> dict[str, int]:
    return {row.enrolment.student.code_massar: n for n, row in enumerate(rows, start=1)}


def _saved_message(saved: int) -> str:
    if not saved:
        return _("Nothing was changed.")
    return ngettext(
        "The marks of %(count)s pupil are saved.",
        "The marks of %(count)s pupils are saved.",
        saved,
    ) % {"count": saved}


def _refused(request, sheet, failure, submission, sent, current, *, whole):
    """A save refused: bad marks (shown beside the cells), a conflict (the other person's
    marks shown, the typed ones kept) or the sheet closed to entry."""
    conflicts = failure.details if isinstance(failure, StaleMarks) else []
    errors = (
        failure.details
        if isinstance(failure, ValidationFailed) and failure.code == "invalid_marks"
        else []
    )
    columns = selectors.sheet_columns(sheet.test_count)
    general = [item["msg"] for item in errors if not item.get("loc")]
    if not isinstance(failure, StaleMarks) and not errors:
        general = [str(failure.message)]
    views = forms.row_views(
        current, columns, shown=submission.shown, base=sent, errors=errors, conflicts=conflicts
    )
    if wants_fragment(request):
        concerned = {item["loc"][0] for item in [*errors, *conflicts] if item.get("loc")}
        context = _answer_context(sheet)
        context.update(
            rows=[view for view in views if view.code in concerned],
            swap_rows=whole,
            feedback=str(failure.message),
            general_errors=general,
            failed=True,
        )
        return render(request, "assessment/marks_sheet.html#answer", context)
    if not whole:  # a row sent without the page's script: show the whole sheet again
        shown_rows = {view.code: view for view in views}
        current = selectors.sheet_rows(sheet)
        views = [shown_rows.get(view.code, view) for view in forms.row_views(current, columns)]
        for number, view in enumerate(views, start=1):
            view.number = number
    status = 409 if isinstance(failure, StaleMarks) else failure.status
    return _sheet_page(
        request,
        sheet,
        can_edit=True,
        rows=current,
        views=views,
        status=status,
        failure=failure,
        general_errors=general,
        conflict=bool(conflicts),
        paste_column=request.POST.get("paste_column", ""),
        paste_values=request.POST.get("paste_values", ""),
    )


@login_required
@require_POST
def sheet_tests_view(request, public_id):
    """Change the number of tests of the sheet."""
    sheet, _can_edit = _sheet(request, public_id, write=True)
    form = forms.SheetTestsForm(request.POST, maximum=4)
    if not form.is_valid():
        messages.error(request, _("Choose a number of tests between 1 and 4."))
        return redirect("assessment:marks_sheet", public_id=sheet.public_id)
    try:
        services.sheet_set_test_count(
            actor=request.user, sheet=sheet, test_count=form.cleaned_data["test_count"]
        )
    except NotFound as error:
        raise Http404 from error
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            ngettext(
                "The sheet now has %(count)s test.",
                "The sheet now has %(count)s tests.",
                form.cleaned_data["test_count"],
            )
            % {"count": form.cleaned_data["test_count"]},
        )
    return redirect("assessment:marks_sheet", public_id=sheet.public_id)


@login_required
@require_POST
def sheet_validate_view(request, public_id):
    """The director validates (locks) the sheet; back to the board or the sheet."""
    sheet, _can_edit = _sheet(request, public_id, write=True)
    try:
        services.sheet_validate(actor=request.user, sheet=sheet)
    except NotFound as error:
        raise Http404 from error
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            _("The marks of %(subject)s in %(class)s are validated and locked.")
            % {"subject": sheet.subject.name, "class": sheet.school_class.name},
        )
    if request.POST.get("from") == "board":
        return redirect(
            reverse("assessment:marks_school", args=[sheet.establishment.code])
            + f"?semester={sheet.semester}"
        )
    return redirect("assessment:marks_sheet", public_id=sheet.public_id)


# --- corrections of a locked sheet ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def correction_new_view(request, public_id):
    """Ask the director to correct one mark of a locked sheet (``?pupil=<code>&field=``)."""
    sheet, _can_edit = _sheet(request, public_id, write=True)
    source = request.POST if request.method == "POST" else request.GET
    code = str(source.get("pupil", "")).strip().upper()
    field = str(source.get("field", ""))
    if field not in selectors.sheet_columns(sheet.test_count):
        raise Http404
    rows = selectors.sheet_rows(sheet, codes=[code]) if code else []
    if not rows:
        raise Http404
    row = rows[0]
    if not sheet.is_locked:
        messages.info(request, _("This sheet is still open: correct the mark directly."))
        return redirect("assessment:marks_sheet", public_id=sheet.public_id)
    form = forms.CorrectionForm(request.POST if request.method == "POST" else None)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_request_create(
                    actor=request.user,
                    sheet=sheet,
                    enrolment_id=row.enrolment_id,
                    field_name=field,
                    raw=forms.typed(form.cleaned_data["value"]),
                    reason=form.cleaned_data["reason"],
                )
            except NotFound as failure:
                raise Http404 from failure
            except DomainError as failure:
                error, status = failure, failure.status
            else:
                messages.success(request, _("Your correction is sent to the director."))
                return redirect("assessment:marks_sheet", public_id=sheet.public_id)
        else:
            status = 400
    view = forms.row_views(rows, [field])[0]
    context = {
        "sheet": sheet,
        "row": view,
        "field": field,
        "field_label": forms.column_label(field),
        "current": view.cells[0].value,
        "form": form,
        "error": error,
    }
    template = "assessment/marks_correction.html"
    if wants_fragment(request) and status == 200:
        template += "#panel"
    return render(request, template, context, status=status)


@login_required
@require_GET
def school_corrections_view(request, code: str):
    """The school's corrections: those waiting for the director, then the latest decided."""
    establishment = _or_404(access.access_establishment, actor=request.user, code=code)
    pending, decided = selectors.school_change_requests(establishment)
    context = {
        "establishment": establishment,
        "pending": pending,
        "decided": decided,
        "is_director": access.is_director_of(request.user, establishment),
        "fields": dict(MarkField.choices),
    }
    return render(request, "assessment/marks_corrections.html", context)


@login_required
@require_POST
def correction_decide_view(request, public_id, request_id):
    """The director approves or refuses a correction, with a note."""
    sheet, _can_edit = _sheet(request, public_id, write=True)
    change = selectors.change_request_of_sheet(sheet, request_id)
    if change is None:
        raise Http404
    form = forms.DecisionForm(request.POST)
    back = redirect("assessment:marks_corrections", code=sheet.establishment.code)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse the correction."))
        return back
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.change_request_decide(
            actor=request.user, request=change, approve=approve, note=form.cleaned_data["note"]
        )
    except NotFound as error:
        raise Http404 from error
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            _("The correction is approved: the mark is changed.")
            if approve
            else _("The correction is refused: the mark stays."),
        )
    return back
