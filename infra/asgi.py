"""The app of one API process among several (``kredensial serve --workers N``, issue 17): each process boots its
own container from the environment; nothing one holds is needed by another (challenges and rate limits in Redis,
spent challenges and read models in PostgreSQL, sequences in the event store). Projections run in
``kredensial worker`` processes, never in these."""

from __future__ import annotations

from fastapi import FastAPI

from api import collector
from api.http import create_app
from infra.bootstrap import bootstrap
from infra.settings import Settings


def app() -> FastAPI:
    """uvicorn's factory (``infra.asgi:app``), called once in each worker process."""
    settings = Settings.from_env()
    runtime = bootstrap(settings)
    # As many commands at once as the process has connections (issue 35): with asyncio's default, the cores plus
    # four, requests queued for a thread while connections idled, and group commits (application/group_commit.py)
    # were smaller: 16 clients on two processes reserved 10-18 % more a second, PostgreSQL spending a fifth less
    # per reservation. More threads than connections would only wait for one.
    app = create_app(runtime.services, on_shutdown=runtime.close, threads=settings.database_pool_size)
    collector.after_boot()  # what boot made, out of the collector's way; young objects collected less often (issue 35)
    return app


def workers_refused(count: int, settings: Settings | None = None) -> str | None:
    """Why ``count`` API processes cannot share this installation, or None when they can."""
    if count <= 1:
        return None
    settings = settings or Settings.from_env()
    if not settings.uses_postgres:
        return "--workers needs PostgreSQL (KREDENSIAL_DATABASE_URL): SQLite files are one process's"
    if not settings.redis_url:
        return "--workers needs Redis (KREDENSIAL_REDIS_URL): each process would keep its own rate limits"
    return None
