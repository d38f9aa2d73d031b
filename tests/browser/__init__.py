"""Browser tests (pytest -m browser): headless Chromium against the kit Voila server."""
