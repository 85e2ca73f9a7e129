"""The REST routes' documentation page (``/docs``), with Swagger UI from the package, not a CDN: FastAPI's own page
loads its scripts from jsDelivr and its icon from fastapi.tiangolo.com, so it is blank offline and tells a third
party who reads the docs. ReDoc, which also needs a CDN, is not served: one page documents the routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.offline_pages import assets_router, html, policy

ASSETS = Path(__file__).parent / "static" / "swagger-ui"
BASE = "/static/swagger-ui/"
BUNDLE = "swagger-ui-5.35.0/swagger-ui-bundle.js"
STYLE = "swagger-ui-5.35.0/swagger-ui.css"
ICON = "swagger-ui-5.35.0/favicon-32x32.png"
MEDIA_TYPES = {BUNDLE: "text/javascript", STYLE: "text/css", ICON: "image/png"}
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
POLICY = policy(SCRIPT)
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


def create_api_docs_router() -> APIRouter:
    router = assets_router(BASE, ASSETS, MEDIA_TYPES, "Swagger UI")

    @router.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return html(PAGE, POLICY)

    return router
