"""URLs of the assessment pages: the test calendar (see ``views_calendar``)."""

from django.urls import path

from . import views_calendar as views

urlpatterns = [
    path("assessment/calendar/", views.calendar_home_view, name="calendar"),
    path("assessment/calendar/mine/", views.calendar_teacher_view, name="calendar_teacher"),
    path("assessment/calendar/check/", views.calendar_check_view, name="calendar_check"),
    path(
        "assessment/calendar/classes/<uuid:public_id>/",
        views.calendar_class_view,
        name="calendar_class",
    ),
    path("assessment/calendar/family/", views.calendar_family_view, name="calendar_family"),
    path(
        "assessment/calendar/pupils/<str:code>/",
        views.calendar_pupil_view,
        name="calendar_pupil",
    ),
    path(
        "assessment/calendar/tests/<uuid:public_id>/move/",
        views.calendar_move_view,
        name="calendar_move",
    ),
    path(
        "assessment/calendar/tests/<uuid:public_id>/cancel/",
        views.calendar_cancel_view,
        name="calendar_cancel",
    ),
    path(
        "establishments/<str:code>/assessment/calendar/",
        views.calendar_school_view,
        name="calendar_school",
    ),
]
