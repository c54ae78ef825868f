"""URLs of the assessment pages: calendar (see the views modules)."""

urlpatterns: list = []
