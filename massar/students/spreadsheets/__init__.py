"""Pupils in spreadsheets: import a school's file (.xlsx or CSV) and export class and level lists
(.xlsx) that read back in.

- ``columns``: the one table of column names (Arabic and French headers and their aliases);
- ``reading``: an uploaded file → rows (type by content, encodings, header matching);
- ``importing``: ``students_import``, every row validated, then one set-based write;
- ``exporting``: ``students_export``, the lists as .xlsx.
"""

from .exporting import ExportFile, students_export
from .importing import ImportResult, students_import

__all__ = [
    "ExportFile",
    "ImportResult",
    "students_export",
    "students_import",
]
