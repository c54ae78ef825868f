"""URLs of the assessment pages: councils (see the views modules)."""

urlpatterns: list = []
