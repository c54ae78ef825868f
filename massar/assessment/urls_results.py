"""URLs of the assessment pages: results, their publication and report cards (``views_results``)."""

from django.urls import path

from . import views_results as views

urlpatterns = [
    path("results/", views.results_family_view, name="results_family"),
    path("results/pupils/<str:code>/", views.results_pupil_view, name="results_pupil"),
    path(
        "results/pupils/<str:code>/report-cards/<str:year>/<int:period>.pdf",
        views.results_report_card_view,
        name="results_report_card",
    ),
    path("results/classes/<uuid:public_id>/", views.results_class_view, name="results_class"),
    path(
        "results/classes/<uuid:public_id>/report-cards.pdf",
        views.results_class_report_cards_view,
        name="results_class_report_cards",
    ),
    path(
        "results/publication/",
        views.results_publication_home_view,
        name="results_publication_home",
    ),
    path(
        "results/publications/<uuid:public_id>/print/",
        views.results_print_view,
        name="results_print",
    ),
    path("results/printings/<uuid:public_id>/", views.results_batch_view, name="results_batch"),
    path(
        "results/printings/<uuid:public_id>/report-cards.pdf",
        views.results_batch_download_view,
        name="results_batch_download",
    ),
    path("results/schools/", views.results_schools_view, name="results_schools"),
    path("establishments/<str:code>/results/", views.results_school_view, name="results_school"),
    path(
        "establishments/<str:code>/results/publication/",
        views.results_publication_view,
        name="results_publication",
    ),
]
