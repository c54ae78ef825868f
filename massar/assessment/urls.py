"""URLs of the assessment pages, one module per concern, under the ``assessment`` namespace."""

from . import (
    urls_calendar,
    urls_councils,
    urls_marks,
    urls_orientation,
    urls_results,
    urls_spreadsheets,
)

app_name = "assessment"

urlpatterns = [
    *urls_calendar.urlpatterns,
    *urls_marks.urlpatterns,
    *urls_spreadsheets.urlpatterns,
    *urls_results.urlpatterns,
    *urls_councils.urlpatterns,
    *urls_orientation.urlpatterns,
]
