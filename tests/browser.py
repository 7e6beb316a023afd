"""Browser tests: Debian's Chromium driven by Playwright (nothing is downloaded).

The fixtures `browser_db` and `browser` are in conftest.py; a test module marks itself
`pytestmark = needs_chromium`, skipped only where Chromium is missing.
"""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
TIMEOUT_MS = 15_000

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"
)
