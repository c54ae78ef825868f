"""URLs of the assessment pages: orientation and re-registration (``views_orientation``)."""

from django.urls import path

from . import views_orientation as views

urlpatterns = [
    path("orientation/", views.orientation_mine_view, name="orientation_mine"),
    path(
        "orientation/pupils/<str:code>/",
        views.orientation_wishes_view,
        name="orientation_wishes",
    ),
    path(
        "establishments/<str:code>/orientation/",
        views.orientation_classes_view,
        name="orientation_classes",
    ),
    path(
        "establishments/<str:code>/orientation/capacities/",
        views.orientation_capacities_view,
        name="orientation_capacities",
    ),
    path(
        "orientation/classes/<uuid:public_id>/",
        views.orientation_class_view,
        name="orientation_class",
    ),
    path(
        "councils/<uuid:public_id>/orientation/propose/",
        views.orientation_propose_view,
        name="orientation_propose",
    ),
    path(
        "establishments/<str:code>/councils/reregistration/",
        views.council_reregistration_view,
        name="council_reregistration",
    ),
]
