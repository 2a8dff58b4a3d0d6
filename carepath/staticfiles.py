"""Static files, served by WhiteNoise: from the apps' own static folders (``WHITENOISE_USE_FINDERS``) and, once
``carepath collectstatic`` has run, from ``STATIC_ROOT`` (hashed names with ``CAREPATH_MANIFEST_STATIC``)."""

import os
from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, quiet about a ``STATIC_ROOT`` that ``collectstatic`` has not made yet.

    With the finders on, the apps' folders serve every file until then, so nothing is missing; WhiteNoise would
    still warn ("No directory at: ...") in each worker, and the tests make warnings errors. Reading the settings
    does not make the folder (it has no side effects); ``collectstatic`` makes it when it copies files there.
    """

    def add_files(self, root: Any, prefix: str | None = None) -> None:
        if not self.autorefresh and root == self.static_root and not os.path.isdir(root):
            return  # the one case WhiteNoise warns about; in autorefresh mode (DEBUG) it never does
        super().add_files(root, prefix)
