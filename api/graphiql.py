"""GraphiQL from the package, not a CDN (issue 32): the page every GraphQL endpoint gives a browser, and the
scripts it loads, served under versioned paths (``api/static/graphiql/README.md`` says where they come from).
Nothing on the page reaches beyond this server, so it works offline, and its Content-Security-Policy says so."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.offline_pages import assets_router, html, policy

ASSETS = Path(__file__).parent / "static" / "graphiql"
BASE = "/static/graphiql/"
REACT = "react-18.2.0/react.production.min.js"
REACT_DOM = "react-dom-18.2.0/react-dom.production.min.js"
GRAPHIQL = "graphiql-3.8.3/graphiql.min.js"
STYLE = "graphiql-3.8.3/graphiql.min.css"
MEDIA_TYPES = {REACT: "text/javascript", REACT_DOM: "text/javascript", GRAPHIQL: "text/javascript", STYLE: "text/css"}

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
POLICY = policy(SCRIPT)
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
    return html(PAGE, POLICY)


def create_graphiql_assets_router() -> APIRouter:
    return assets_router(BASE, ASSETS, MEDIA_TYPES, "GraphiQL")
