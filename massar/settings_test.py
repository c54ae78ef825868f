"""Settings for the test suite: the real settings, with a fast password hasher."""

import os

os.environ.setdefault("MASSAR_ALLOW_INSECURE_KEY", "1")

from massar.settings import *  # noqa: F403

# Argon2 is deliberately slow; the suite creates hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_COOKIES = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False
