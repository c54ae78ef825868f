"""WSGI entry point (served by granian in production, runserver in the demo)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massar.settings")
application = get_wsgi_application()
