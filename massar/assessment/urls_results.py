"""URLs of the assessment pages: results (see the views modules)."""

urlpatterns: list = []
