"""URLs of the assessment pages: spreadsheets (see the views modules)."""

urlpatterns: list = []
