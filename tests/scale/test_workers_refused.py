"""Issue 17, item 1: ``serve --workers N`` only where nothing one API process holds is needed by another."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from infra.asgi import workers_refused
from infra.main import cli as build_cli
from infra.settings import Settings
from tests.signed_pdfs import pdf_signing_env


def test_several_api_processes_need_postgresql_and_redis(tmp_path: Path) -> None:
    base = {"KREDENSIAL_DATA_DIR": str(tmp_path / "var"), "KREDENSIAL_SECRET": "s" * 40, "KREDENSIAL_MASTER_KEY": "1"}
    sqlite = Settings.from_env(base)
    postgres = {**base, "KREDENSIAL_DATABASE_URL": "postgresql://x/y", "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32}
    postgres |= pdf_signing_env(tmp_path / "pki")

    assert workers_refused(1, sqlite) is None
    assert "PostgreSQL" in (workers_refused(2, sqlite) or "")
    assert "Redis" in (workers_refused(2, Settings.from_env(postgres)) or "")
    assert workers_refused(4, Settings.from_env({**postgres, "KREDENSIAL_REDIS_URL": "redis://127.0.0.1"})) is None


def test_serve_with_several_workers_on_sqlite_says_why_not_and_exits_2(tmp_path: Path, monkeypatch: object) -> None:
    settings = Settings.from_env({"KREDENSIAL_DATA_DIR": str(tmp_path / "var")})
    monkeypatch.setenv("KREDENSIAL_DATA_DIR", str(tmp_path / "var"))  # type: ignore[attr-defined]
    cli = build_cli(lambda: None, serve_settings=lambda: (settings.host, settings.port, True))  # type: ignore[arg-type, return-value]
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "needs PostgreSQL" in result.output
