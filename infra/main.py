"""Entry point of the ``kredensial`` command: reads settings and hands the CLI its runtime and its tools."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from api.cli import OfflineTools, Runtime, build_cli
from infra.settings import PREFIX, ConfigError, Settings

if TYPE_CHECKING:
    from application.registry.pddikti_import import ImportReport
    from domain.audit import Actor


def _write_cohort(*args: Any, **kw: Any) -> int:
    from infra.demo_data import write_cohort  # imported when used: the other commands start faster

    return write_cohort(*args, **kw)


def _verify_pdf(
    file: Path, keys: Path | None, server: str | None, offline: bool, root: Path | None
) -> tuple[int, list[str]]:
    from infra.verify_pdf import verify_pdf_cli  # pyHanko and pypdf load only for this command

    return verify_pdf_cli(file, keys, server, offline, root)


def _verify_credential(
    file: Path, did_document: Path | None, status: list[Path], server: str | None, offline: bool
) -> tuple[int, list[str]]:
    from infra.documents.credentials.verify_cli import verify_credential_cli

    return verify_credential_cli(file, did_document, status, server, offline)


def _workers_refused(count: int) -> str | None:
    from infra.asgi import workers_refused

    return workers_refused(count)


def _check_config() -> list[str]:
    """Every problem of this environment's settings, and variables with the prefix that name no setting."""

    def unknown(named: set[str]) -> list[str]:
        return [
            f"{name}: not a setting (ignored)"
            for name in sorted(os.environ)
            if name.startswith(PREFIX)
            and name.removeprefix(PREFIX).lower() not in Settings.model_fields
            and name not in named
            and not name.startswith(("KREDENSIAL_TEST_", "KREDENSIAL_BENCH_", "KREDENSIAL_REQUIRE_"))
        ]

    try:
        settings = Settings.from_env()
    except ConfigError as e:
        return [*e.problems, *unknown(set())]
    # a client secret's variable, named in the issuers file, is a setting too
    clients = [i.client for i in settings.issuers.for_pages() if i.client is not None]
    return unknown({c.client_secret_env for c in clients if c.client_secret_env})


def _import_pddikti(
    boot: Callable[[], Runtime], file: Path, jobs: int, actor: Actor, progress: Callable[[int], None]
) -> ImportReport:
    from infra.bulk_import import import_file
    from infra.import_worker import import_worker

    chosen = settings()  # read here, once: the workers are forked from this process
    return import_file(boot, file, jobs=jobs, actor=actor, progress=progress, boot_worker=lambda: import_worker(chosen))


def _init(directory: Path, database_url: str, public_url: str, redis_url: str, oidc_issuers: Path | None) -> list[str]:
    from infra.install import init

    return init(
        directory, database_url=database_url, public_url=public_url, redis_url=redis_url, oidc_issuers=oidc_issuers
    )


TOOLS = OfflineTools(
    write_cohort=_write_cohort,
    verify_pdf=_verify_pdf,
    workers_refused=_workers_refused,
    verify_credential=_verify_credential,
    init=_init,
    check_config=_check_config,
    import_pddikti=_import_pddikti,
)


def cli(
    boot: Callable[[], Runtime],
    *,
    serve_settings: Callable[[], tuple[str, int, bool]],
    http_protocol: Callable[[], Any] = lambda: "auto",
    token_secret: Callable[[], str | None] | None = None,
) -> typer.Typer:
    """The command line with this installation's tools."""
    return build_cli(
        boot, serve_settings=serve_settings, tools=TOOLS, http_protocol=http_protocol, token_secret=token_secret
    )


def settings() -> Settings:
    """This process's settings; a bad or missing one ends it with every problem named, not a traceback."""
    try:
        return Settings.from_env()
    except ConfigError as e:
        print("kredensial: the settings are refused:", *e.problems, sep="\n  ", file=sys.stderr)
        raise SystemExit(2) from None


def _token_secret() -> str | None:
    """The development tokens' secret, or None on a production install that does not allow them (issue 29)."""
    s = settings()
    return s.secret if s.dev_tokens_allowed else None


def _boot() -> Runtime:
    from infra.bootstrap import bootstrap  # imported when a command boots: `token` never does

    return bootstrap(settings())


def main() -> None:
    def serve_settings() -> tuple[str, int, bool]:
        s = settings()
        return s.host, s.port, s.projections_in_process

    def http_protocol() -> Any:
        """uvicorn's protocol with this installation's deadlines for reading a request (issue 27)."""
        from infra.http_protocol import deadline_protocol

        s = settings()
        return deadline_protocol(s.header_timeout, s.body_timeout)

    cli(
        _boot,
        serve_settings=serve_settings,
        http_protocol=http_protocol,
        token_secret=_token_secret,  # a token is signed with the secret alone: no database (issue 28)
    )()


if __name__ == "__main__":
    main()
