"""Pages of staff: the staff file, teaching assignments, loads and shortages, and a teacher's
own classes."""

from django.urls import path

from . import views, views_assignments, views_teacher

app_name = "staff"

urlpatterns = [
    # The staff file
    path("staff/", views.staff_list_view, name="list"),
    path("staff/new/", views.staff_create_view, name="create"),
    path("staff/<uuid:public_id>/", views.staff_detail_view, name="detail"),
    path("staff/<uuid:public_id>/edit/", views.staff_edit_view, name="edit"),
    path("staff/<uuid:public_id>/account/", views.staff_account_view, name="account"),
    # Teaching assignments, loads and shortages
    path("staff/organisation/", views_assignments.organisation_view, name="organisation"),
    path(
        "staff/schools/<str:code>/classes/",
        views_assignments.school_classes_view,
        name="school_classes",
    ),
    path(
        "staff/schools/<str:code>/loads/", views_assignments.school_loads_view, name="school_loads"
    ),
    path(
        "staff/schools/<str:code>/shortages/",
        views_assignments.school_shortages_view,
        name="school_shortages",
    ),
    path(
        "staff/directorates/<str:code>/shortages/",
        views_assignments.directorate_shortages_view,
        name="directorate_shortages",
    ),
    path("staff/classes/<uuid:public_id>/", views_assignments.class_grid_view, name="class_grid"),
    path(
        "staff/classes/<uuid:public_id>/subjects/<str:subject>/",
        views_assignments.class_grid_row_view,
        name="class_grid_row",
    ),
    # A teacher's own classes
    path("staff/me/classes/", views_teacher.my_classes_view, name="my_classes"),
    path("staff/me/classes/<uuid:public_id>/", views_teacher.my_class_view, name="my_class"),
]
