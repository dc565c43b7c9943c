"""The patient's H5 page (`web/`, built by `npm run build` into `static/`), served at /h5/.

It is the reference client of the API: a demo aid like GraphiQL, on in demo mode and off in
production unless BFF_H5_PAGE is set. A hospital would rather build it for its CDN (see
web/README.md); the server serves it only when the built files are here.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

PATH = "/h5"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def h5_page() -> Mount | None:
    """The built page at /h5/ (index.html for the directory), or None when it is not built."""
    if not (STATIC_DIR / "index.html").is_file():
        return None
    return Mount(PATH, app=StaticFiles(directory=STATIC_DIR, html=True), name="h5")
