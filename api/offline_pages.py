"""What the API's browser pages share (GraphiQL, the REST routes' docs): a policy that lets the page load only this
server's files and its own inline script, and a router serving the listed files of a vendored package under a
versioned, immutable path, so the pages work offline and reach no CDN."""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.problems import problem

IMMUTABLE = "public, max-age=31536000, immutable"  # a new version is a new path


def policy(script: str) -> str:
    """The Content-Security-Policy of a page whose one inline script is ``script``."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return (
        "default-src 'none'; "
        f"script-src 'self' 'sha256-{digest}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def html(page: str, page_policy: str) -> HTMLResponse:
    return HTMLResponse(page, headers={"Content-Security-Policy": page_policy, "X-Content-Type-Options": "nosniff"})


def assets_router(base: str, folder: Path, media_types: Mapping[str, str], what: str) -> APIRouter:
    """``base`` + a name of ``media_types`` serves that file of ``folder``; any other name is not found."""
    router = APIRouter()
    content = functools.cache(lambda name: (folder / name).read_bytes())

    @router.get(base + "{name:path}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in media_types:  # only the files listed: a path never reaches the file system unchecked
            return problem(404, "not-found", f"no such {what} file")
        headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
        return Response(content(name), media_type=media_types[name], headers=headers)

    return router
