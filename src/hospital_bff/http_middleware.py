"""What wraps every HTTP answer of the app: gzip above a size, and CORS for listed origins.

- gzip: a schedule or an order list is tens of KB of JSON that a phone on a ward's weak signal
  waits for; compressed when the client accepts it and the answer is at least
  BFF_GZIP_MINIMUM_BYTES (below that the header costs more than it saves). WebSockets pass
  untouched (Starlette's middleware handles only `http`), and event streams are excluded.
- CORS: off (no headers at all) unless BFF_CORS_ORIGINS lists the origins of the hospital's
  web pages (an H5 page, the staff console). The apps are not browsers and need none. Tokens
  travel in `Authorization`, never cookies, so credentials are not allowed.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from hospital_bff.config import Settings
from hospital_bff.request_id import HEADER as REQUEST_ID_HEADER

# What a browser page sends to /graphql: the token, the JSON body, the language, a support id,
# Apollo Client's identification headers, and the header Apollo's CSRF prevention asks pages
# to send (`apollo-require-preflight`) so that a simple request cannot carry an operation.
CORS_REQUEST_HEADERS = (
    "authorization",
    "content-type",
    "accept",
    "accept-language",
    REQUEST_ID_HEADER.lower(),
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
)
# zlib's default level: nearly all of level 9's saving at a fraction of its CPU.
GZIP_LEVEL = 6
CORS_MAX_AGE_SECONDS = 600


def http_middleware(settings: Settings) -> list[Middleware]:
    """The middleware around the app, outermost first."""
    middleware: list[Middleware] = []
    origins = settings.cors_origin_list
    if origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=("GET", "POST"),
                allow_headers=CORS_REQUEST_HEADERS,
                expose_headers=(REQUEST_ID_HEADER,),
                allow_credentials=False,
                max_age=CORS_MAX_AGE_SECONDS,
            )
        )
    middleware.append(
        Middleware(
            GZipMiddleware, minimum_size=settings.gzip_minimum_bytes, compresslevel=GZIP_LEVEL
        )
    )
    return middleware
