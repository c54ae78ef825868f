"""Pages of schooling under /schooling/: rooms and buildings, classes and placements, school map.

An establishment is named by its code (``/schooling/11565V/classes/``); rooms, buildings and
classes by their public id.
"""

from django.urls import path, register_converter

from . import views, views_classes, views_map


class EstablishmentCodeConverter:
    """An establishment code (five digits and a letter, either case)."""

    regex = "[0-9]{5}[A-Za-z]"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(EstablishmentCodeConverter, "schooling_code")

app_name = "schooling"

urlpatterns = [
    path("schooling/", views.index_view, name="index"),
    # Buildings and rooms
    path("schooling/<schooling_code:school>/rooms/", views.rooms_view, name="rooms"),
    path(
        "schooling/<schooling_code:school>/rooms/new/", views.room_create_view, name="room_create"
    ),
    path("schooling/rooms/<uuid:public_id>/edit/", views.room_edit_view, name="room_edit"),
    path(
        "schooling/<schooling_code:school>/buildings/new/",
        views.building_create_view,
        name="building_create",
    ),
    path(
        "schooling/buildings/<uuid:public_id>/edit/",
        views.building_edit_view,
        name="building_edit",
    ),
    # Classes of the year and placing pupils
    path("schooling/<schooling_code:school>/classes/", views_classes.classes_view, name="classes"),
    path(
        "schooling/<schooling_code:school>/classes/new/",
        views_classes.class_create_view,
        name="class_create",
    ),
    path(
        "schooling/<schooling_code:school>/classes/batch/",
        views_classes.classes_create_many_view,
        name="classes_create_many",
    ),
    path(
        "schooling/<schooling_code:school>/classes/auto-place/",
        views_classes.auto_place_view,
        name="auto_place",
    ),
    path(
        "schooling/classes/<uuid:public_id>/",
        views_classes.class_detail_view,
        name="class_detail",
    ),
    path(
        "schooling/classes/<uuid:public_id>/edit/",
        views_classes.class_edit_view,
        name="class_edit",
    ),
    path(
        "schooling/classes/<uuid:public_id>/place/",
        views_classes.class_place_view,
        name="class_place",
    ),
    path(
        "schooling/classes/<uuid:public_id>/move/",
        views_classes.class_move_view,
        name="class_move",
    ),
    # School map
    path(
        "schooling/<schooling_code:school>/school-map/",
        views_map.school_map_view,
        name="school_map",
    ),
    path(
        "schooling/<schooling_code:school>/school-map/intake/",
        views_map.intake_edit_view,
        name="intake_edit",
    ),
    path(
        "schooling/directorates/<str:code>/school-map/",
        views_map.directorate_map_view,
        name="directorate_map",
    ),
]
