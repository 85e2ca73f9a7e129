"""The baseline of the SIVIL look-up: a plain FastAPI endpoint under uvicorn that reads the same row from the
same read store and answers it as JSON; no challenge, no rate limit, no trail, no signing.

Run by ``benchmarks.sivil`` as ``python -m benchmarks.plain_lookup PORT DATA_DIR [DATABASE_URL]``.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

QUERY = "SELECT * FROM sivil_entries WHERE university_code = {u} AND prodi_code = {p} AND nina = {n}"


def app(data_dir: Path, database_url: str) -> FastAPI:
    plain = FastAPI()
    if database_url:
        pool: ConnectionPool[Any] = ConnectionPool(database_url, kwargs={"row_factory": dict_row}, open=True)
        sql = QUERY.format(u="%s", p="%s", n="%s")

        def read(u: str, p: str, n: str) -> dict[str, Any] | None:
            with pool.connection() as conn:
                row: dict[str, Any] | None = conn.execute(sql, (u, p, n)).fetchone()
                return row
    else:
        path = data_dir / "read.sqlite3"
        sql = QUERY.format(u="?", p="?", n="?")

        def read(u: str, p: str, n: str) -> dict[str, Any] | None:
            with sqlite3.connect(path) as conn:
                conn.row_factory = sqlite3.Row
                row = conn.execute(sql, (u, p, n)).fetchone()
                return dict(row) if row else None

    @plain.get("/lookup")
    async def lookup(university: str, prodi: str, nina: str) -> dict[str, Any]:
        row = await run_in_threadpool(read, university, prodi, nina)
        return {"found": row is not None, "entry": row}

    return plain


if __name__ == "__main__":
    port, data_dir = int(sys.argv[1]), Path(sys.argv[2])
    url = sys.argv[3] if len(sys.argv) > 3 else ""
    uvicorn.run(app(data_dir, url), host="127.0.0.1", port=port, log_level="warning")
