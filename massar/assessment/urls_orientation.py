"""URLs of the assessment pages: orientation (see the views modules)."""

urlpatterns: list = []
