"""Pages of the web shell."""

urlpatterns: list = []
