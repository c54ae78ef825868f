"""Pages of timetable: an establishment's grid, conflicts and teachers' availability; the weeks
of classes, teachers and rooms; placing sessions by hand; "my timetable"."""

from django.urls import path

from . import views, views_editing

app_name = "timetable"

urlpatterns = [
    path("timetable/", views.mine_view, name="mine"),
    path("establishments/<str:code>/timetable/", views.overview_view, name="overview"),
    path("establishments/<str:code>/timetable/grid/", views_editing.grid_view, name="grid"),
    path(
        "establishments/<str:code>/timetable/grid/usual-week/",
        views_editing.grid_usual_week_view,
        name="grid_usual_week",
    ),
    path(
        "establishments/<str:code>/timetable/conflicts/",
        views.conflicts_view,
        name="conflicts",
    ),
    path(
        "establishments/<str:code>/timetable/teachers/<uuid:public_id>/availability/",
        views_editing.availability_view,
        name="availability",
    ),
    path(
        "establishments/<str:code>/timetable/teachers/<uuid:public_id>/availability/"
        "<int:weekday>/<int:period>/",
        views_editing.availability_toggle_view,
        name="availability_toggle",
    ),
    path("timetable/classes/<uuid:public_id>/", views.class_view, name="class"),
    path(
        "timetable/classes/<uuid:public_id>/edit/", views_editing.class_edit_view, name="class_edit"
    ),
    path(
        "timetable/classes/<uuid:public_id>/sessions/",
        views_editing.session_add_view,
        name="session_add",
    ),
    path(
        "timetable/classes/<uuid:public_id>/sessions/check/",
        views_editing.session_check_view,
        name="session_check",
    ),
    path(
        "timetable/sessions/<uuid:public_id>/move/",
        views_editing.session_move_view,
        name="session_move",
    ),
    path(
        "timetable/sessions/<uuid:public_id>/delete/",
        views_editing.session_delete_view,
        name="session_delete",
    ),
    path("timetable/teachers/<uuid:public_id>/", views.teacher_view, name="teacher"),
    path("timetable/rooms/<uuid:public_id>/", views.room_view, name="room"),
]

# The generator's pages and the printable timetables (``urls_generation.py``).
from .urls_generation import urlpatterns as generation_urlpatterns  # noqa: E402

urlpatterns += generation_urlpatterns
