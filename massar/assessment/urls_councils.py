"""URLs of the assessment pages: class councils (``views_councils``)."""

from django.urls import path

from . import views_councils as views

urlpatterns = [
    path("councils/", views.council_home_view, name="council_home"),
    path("establishments/<str:code>/councils/", views.council_list_view, name="council_list"),
    path("establishments/<str:code>/councils/open/", views.council_open_view, name="council_open"),
    path("councils/<uuid:public_id>/", views.council_detail_view, name="council_detail"),
    path(
        "councils/<uuid:public_id>/pupils/<str:code>/",
        views.council_row_view,
        name="council_row",
    ),
    path("councils/<uuid:public_id>/refresh/", views.council_refresh_view, name="council_refresh"),
    path(
        "councils/<uuid:public_id>/validate/",
        views.council_validate_view,
        name="council_validate",
    ),
    path(
        "councils/<uuid:public_id>/minutes.pdf",
        views.council_minutes_view,
        name="council_minutes",
    ),
]
