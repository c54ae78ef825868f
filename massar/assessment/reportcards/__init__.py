"""Report cards: their content, built set-based for a class or a whole establishment and frozen
at publication (``content``), and their rendering as PDF with Typst (``pdf``)."""
