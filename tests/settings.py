"""The test run's settings: ``carepath.settings`` as production has them, with a test key and plain HTTP.

The variables are set here, before the settings are read, because pytest-django reads them before any conftest.
Tests run with ``DEBUG`` off, as production does; the test client and the live server speak plain HTTP, so the
HTTPS redirect, secure cookies and HSTS (on by default when ``DEBUG`` is off) are turned off for the tests, and
only for them. ``tests/test_settings.py`` checks production's own defaults, in fresh processes.
"""

import os

os.environ.pop("SECRET_KEY_FILE", None)
os.environ["SECRET_KEY"] = "carepath-tests-only-key-never-used-elsewhere-5b1f0c9e7d2a4c68a3e1"
os.environ["DEBUG"] = "false"
os.environ["CAREPATH_HTTPS"] = "false"

from carepath.settings import *  # noqa: F403
