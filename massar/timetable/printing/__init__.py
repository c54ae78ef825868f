"""Printable timetables: weeks laid out as data (``week``), rendered as PDF (``pdf``, Typst) and
as a spreadsheet (``excel``, xlsxwriter)."""
