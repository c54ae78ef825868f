"""URLs of the assessment pages: marks (see the views modules)."""

urlpatterns: list = []
