from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("establishments/", views.establishment_list_view, name="establishment_list"),
    path(
        "establishments/<str:code>/",
        views.establishment_detail_view,
        name="establishment_detail",
    ),
]
