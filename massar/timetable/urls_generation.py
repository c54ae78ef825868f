"""Pages of the generator and the printable timetables, added to the timetable app's URLs
(namespace ``timetable``)."""

from django.urls import path

from . import views_generation, views_printing

urlpatterns = [
    path(
        "establishments/<str:code>/timetable/generator/",
        views_generation.generator_view,
        name="generator",
    ),
    path(
        "timetable/generator/<uuid:public_id>/",
        views_generation.generator_run_view,
        name="generator_run",
    ),
    path(
        "establishments/<str:code>/timetable/classes.pdf",
        views_printing.school_classes_print_view,
        name="print_school_classes",
    ),
    path(
        "timetable/classes/<uuid:public_id>/print.pdf",
        views_printing.class_print_view,
        {"fmt": "pdf"},
        name="print_class_pdf",
    ),
    path(
        "timetable/classes/<uuid:public_id>/print.xlsx",
        views_printing.class_print_view,
        {"fmt": "xlsx"},
        name="print_class_xlsx",
    ),
    path(
        "timetable/teachers/<uuid:public_id>/print.pdf",
        views_printing.teacher_print_view,
        {"fmt": "pdf"},
        name="print_teacher_pdf",
    ),
    path(
        "timetable/teachers/<uuid:public_id>/print.xlsx",
        views_printing.teacher_print_view,
        {"fmt": "xlsx"},
        name="print_teacher_xlsx",
    ),
    path(
        "timetable/rooms/<uuid:public_id>/print.pdf",
        views_printing.room_print_view,
        {"fmt": "pdf"},
        name="print_room_pdf",
    ),
    path(
        "timetable/rooms/<uuid:public_id>/print.xlsx",
        views_printing.room_print_view,
        {"fmt": "xlsx"},
        name="print_room_xlsx",
    ),
]
