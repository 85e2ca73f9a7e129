"""The REST routes' documentation page (``/docs``), with Swagger UI from the package, not a CDN: FastAPI's own page
loads its scripts from jsDelivr and its icon from fastapi.tiangolo.com, so it is blank offline and tells a third
party who reads the docs. ReDoc, which also needs a CDN, is not served: one page documents the routes."""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.problems import problem

ASSETS = Path(__file__).parent / "static" / "swagger-ui"
BASE = "/static/swagger-ui/"
BUNDLE = "swagger-ui-5.35.0/swagger-ui-bundle.js"
STYLE = "swagger-ui-5.35.0/swagger-ui.css"
ICON = "swagger-ui-5.35.0/favicon-32x32.png"
MEDIA_TYPES = {BUNDLE: "text/javascript", STYLE: "text/css", ICON: "image/png"}
IMMUTABLE = "public, max-age=31536000, immutable"  # a new version is a new path
OPENAPI = "/openapi.json"

SCRIPT = f"""
SwaggerUIBundle({{
  url: "{OPENAPI}",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null,
}});
"""
POLICY = (
    "default-src 'none'; "
    f"script-src 'self' 'sha256-{base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>REST routes · kredensial</title>
<link rel="icon" href="{BASE}{ICON}">
<link rel="stylesheet" href="{BASE}{STYLE}">
</head>
<body>
<div id="swagger-ui">Loading…</div>
<script src="{BASE}{BUNDLE}"></script>
<script>{SCRIPT}</script>
</body>
</html>
"""


@functools.cache
def _content(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


def create_api_docs_router() -> APIRouter:
    router = APIRouter()

    @router.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE, headers={"Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff"})

    @router.get(BASE + "{name:path}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in MEDIA_TYPES:  # only the files listed: a path never reaches the file system unchecked
            return problem(404, "not-found", "no such Swagger UI file")
        headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
        return Response(_content(name), media_type=MEDIA_TYPES[name], headers=headers)

    return router
