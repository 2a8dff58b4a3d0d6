"""The test run's settings: ``carepath.settings`` as production has them, with a test key and plain HTTP.

The variables are set here, before the settings are read, because pytest-django reads them before any conftest.
Tests run with ``DEBUG`` off, as production does; the test client and the live server speak plain HTTP, so the
HTTPS redirect, secure cookies and HSTS (on by default when ``DEBUG`` is off) are turned off for the tests, and
only for them. ``tests/test_settings.py`` checks production's own defaults, in fresh processes.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.pop("SECRET_KEY_FILE", None)
os.environ["SECRET_KEY"] = "carepath-tests-only-key-never-used-elsewhere-5b1f0c9e7d2a4c68a3e1"
os.environ["DEBUG"] = "false"
os.environ["CAREPATH_HTTPS"] = "false"

from carepath.settings import *  # noqa: F403

# Background tasks run at once, inside the request that queues them (tests/communities/test_import_jobs.py runs
# the database backend and its worker too); uploads wait in a folder of
# the test process's own (made by the first upload).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CAREPATH_UPLOADS_DIR = Path(tempfile.gettempdir()) / f"carepath-test-uploads-{os.getpid()}"
atexit.register(shutil.rmtree, CAREPATH_UPLOADS_DIR, ignore_errors=True)
