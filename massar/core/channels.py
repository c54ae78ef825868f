"""Pluggable channels that carry a short message to a phone or an e-mail address.

Which class serves a channel is configured (``CONTACT_CHANNEL_BACKENDS``): the console channel
prints the message (development, demo, tests), the e-mail channel sends it with Django's mail; an
SMS gateway is one more class with the same ``send`` method. Callers render the message in the
recipient's language before sending, and send after the transaction commits.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("massar.channels")

#: Messages sent by the console channel, newest last (read by tests and the demo).
console_outbox: list[dict] = []


class Channel(Protocol):
    def send(self, *, destination: str, subject: str, body: str) -> None: ...


class ConsoleChannel:
    """Prints the message to the log instead of sending it."""

    def send(self, *, destination: str, subject: str, body: str) -> None:
        console_outbox.append({"destination": destination, "subject": subject, "body": body})
        del console_outbox[:-100]
        logger.info("message to %s: %s — %s", destination, subject, body)


class EmailChannel:
    def send(self, *, destination: str, subject: str, body: str) -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [destination])


def channel_for(kind: str) -> Channel:
    """The configured channel for ``kind`` ("email" or "phone")."""
    return import_string(settings.CONTACT_CHANNEL_BACKENDS[kind])()
