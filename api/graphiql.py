"""GraphiQL from the package, not a CDN (issue 32): the page every GraphQL endpoint gives a browser, and the
scripts it loads, served under versioned paths (``api/static/graphiql/README.md`` says where they come from).
Nothing on the page reaches beyond this server, so it works offline, and its Content-Security-Policy says so."""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.problems import problem

ASSETS = Path(__file__).parent / "static" / "graphiql"
BASE = "/static/graphiql/"
REACT = "react-18.2.0/react.production.min.js"
REACT_DOM = "react-dom-18.2.0/react-dom.production.min.js"
GRAPHIQL = "graphiql-3.8.3/graphiql.min.js"
STYLE = "graphiql-3.8.3/graphiql.min.css"
MEDIA_TYPES = {REACT: "text/javascript", REACT_DOM: "text/javascript", GRAPHIQL: "text/javascript", STYLE: "text/css"}
IMMUTABLE = "public, max-age=31536000, immutable"  # a new version is a new path

# The page's own script: GraphiQL on this address, with the headers editor for a bearer token. No subscriptions.
SCRIPT = """
const url = window.location.href.split("?")[0].split("#")[0];
const fetcher = GraphiQL.createFetcher({ url });
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
  }),
);
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
<title>GraphiQL · kredensial</title>
<link rel="stylesheet" href="{BASE}{STYLE}">
<style>body {{ margin: 0; overflow: hidden; }} #graphiql {{ height: 100vh; display: flex; }}</style>
<script src="{BASE}{REACT}"></script>
<script src="{BASE}{REACT_DOM}"></script>
<script src="{BASE}{GRAPHIQL}"></script>
</head>
<body>
<div id="graphiql" class="graphiql-container">Loading…</div>
<script>{SCRIPT}</script>
</body>
</html>
"""


def page() -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff"})


@functools.cache
def _content(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


def create_graphiql_assets_router() -> APIRouter:
    router = APIRouter()

    @router.get(BASE + "{name:path}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in MEDIA_TYPES:  # only the files listed: a path never reaches the file system unchecked
            return problem(404, "not-found", "no such GraphiQL file")
        headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
        return Response(_content(name), media_type=MEDIA_TYPES[name], headers=headers)

    return router
