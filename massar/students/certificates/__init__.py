"""Certificates of schooling: issued and revoked by the school, rendered as bilingual PDF
(Typst), checkable by anyone from the verification code printed on them and in their QR code."""
