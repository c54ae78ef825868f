"""Pages of the establishment directory: a scoped, searchable list and a detail page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import NotFound
from massar.core.pages import page_of, wants_fragment

from .access import access_establishment_by_code
from .forms import EstablishmentFilterForm
from .selectors import establishment_list

PAGE_SIZE = 25


@login_required
@vary_on_headers("HX-Request")  # the full page and the fragment must never share a cache entry
def establishment_list_view(request):
    scope = request.scope
    form = EstablishmentFilterForm(request.GET or None, scope=scope)
    queryset = establishment_list(scope=scope, filters=form.filters())
    page, query = page_of(request, queryset, per_page=PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "invalid": form.is_bound and not form.is_valid(),
    }
    template = "territory/establishment_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@login_required
def establishment_detail_view(request, code: str):
    try:
        establishment = access_establishment_by_code(scope=request.scope, code=code)
    except NotFound as error:
        raise Http404 from error
    return render(request, "territory/establishment_detail.html", {"establishment": establishment})
