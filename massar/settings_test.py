"""Settings for the test suite: the real settings, with a fast password hasher."""

import os

os.environ.setdefault("MASSAR_ALLOW_INSECURE_KEY", "1")

from massar.settings import *  # noqa: F403

# Background tasks run at once, in the test's thread and transaction.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Argon2 is deliberately slow; the suite creates hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_COOKIES = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False

# Parallel runs (pytest -n): each worker gets its own Redis database, since every test starts by
# clearing the cache (a flush of the whole database).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):  # noqa: F405
    _base, _, _db = REDIS_URL.rpartition("/")  # noqa: F405
    _number = (int(_db) if _db.isdigit() else 0) + 1 + int(_worker[2:])
    CACHES["default"]["LOCATION"] = f"{_base}/{_number % 16}"  # noqa: F405
