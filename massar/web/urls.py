"""Pages of the web shell: home, login and password, the apps' pages."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

# The password pages have their own template names: the admin app ships templates under the
# default names, and the first installed app would win.

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_changed.html"
        ),
        name="password_change_done",
    ),
    path("", include("massar.territory.urls")),
    path("", include("massar.students.urls")),
    path("", include("massar.schooling.urls")),
    path("", include("massar.staff.urls")),
    path("", include("massar.timetable.urls")),
    path("", include("massar.assessment.urls")),
]
