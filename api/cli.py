"""The ``kredensial`` command line: serve, worker, token, import-pddikti, demo-data, rebuild, projection-status,
erase-personal-data, verify-pdf, verify-credential, schema, and the auditors' ``audit ...`` (api/audit_cli.py)."""

from __future__ import annotations

import json
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from api import access_log, collector
from api.audit_cli import audit_cli
from application.authorization import lacks_institution
from domain.audit import Actor, Cause, Role
from domain.errors import DomainError

if TYPE_CHECKING:  # imported where used: `kredensial token` starts in a fraction of the time (issue 35)
    from api.services import Services

if TYPE_CHECKING:
    from application.registry.pddikti_import import ImportReport

console = Console(stderr=True)

ERASURE_MESSAGES = {
    "ERASED": "erased",
    "ERASURE_COMPLETED": "erasure completed: it was recorded before, but its key still existed and is now destroyed",
    "ALREADY_ERASED": "already erased",
}


class Runtime(Protocol):
    """What the composition root gives the command line."""

    services: Services

    def start_worker(self) -> None: ...

    def close(self) -> None: ...


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


@dataclass(frozen=True)
class OfflineTools:
    """What the commands that never boot the application use, handed over by the composition root (infra)."""

    write_cohort: Callable[..., int]  # infra.demo_data.write_cohort
    # (file, keys, server, offline, root)
    verify_pdf: Callable[[Path, Path | None, str | None, bool, Path | None], tuple[int, list[str]]]
    workers_refused: Callable[[int], str | None]  # infra.asgi: why N API processes cannot share the installation
    # (file, DID document, saved status documents, server, offline)
    verify_credential: Callable[[Path, Path | None, list[Path], str | None, bool], tuple[int, list[str]]]
    # (directory, database URL, public URL, Redis URL): one line per setting, made or kept (infra.install)
    init: Callable[[Path, str, str, str, Path | None], list[str]]
    check_config: Callable[[], list[str]]  # every problem of this environment's settings (infra.main)
    # (boot, file, jobs, actor, progress): the file split by university across processes, each booting through
    # the boot it is given (infra.bulk_import)
    import_pddikti: Callable[[Callable[[], Runtime], Path, int, Actor, Callable[[int], None]], ImportReport]


def build_cli(
    boot: Callable[[], Runtime],
    *,
    serve_settings: Callable[[], tuple[str, int, bool]],
    tools: OfflineTools,
    http_protocol: Callable[[], Any] = lambda: "auto",
    # the development tokens' secret, None where they are refused (production); without it, `token` boots the runtime
    token_secret: Callable[[], str | None] | None = None,
) -> typer.Typer:
    """``http_protocol``: uvicorn's ``http=`` for ``serve`` (infra gives one that bounds the time to read a request)."""
    cli = typer.Typer(help="kredensial: national diploma numbering (PIN/NINA) and SIVIL, event-sourced.")
    cli.add_typer(audit_cli(boot), name="audit")

    @cli.command()
    def serve(
        host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
        port: Annotated[int | None, typer.Option(help="Port")] = None,
        projections: Annotated[bool, typer.Option(help="Also run the projections in this process")] = True,
        workers: Annotated[
            int, typer.Option(min=1, max=64, help="API processes (PostgreSQL and Redis; projections in `worker`)")
        ] = 1,
    ) -> None:
        """Serve GraphQL at /graphql (GraphiQL on) and SIVIL at /sivil. Creates what it needs on first run."""
        import uvicorn

        from api.http import create_app

        default_host, default_port, in_process = serve_settings()
        listen_host, listen_port = host or default_host, port or default_port
        # The address given here is the one served: the settings read from now on (this process's, and uvicorn's
        # worker processes', which inherit the environment) name it, so that an empty KREDENSIAL_PUBLIC_URL means
        # it in the DID document, the PDFs and their QR codes (issue 28), not the default port.
        with _serving_address(listen_host, listen_port):
            if workers > 1:
                refused = tools.workers_refused(workers)
                if refused:
                    console.print(f"kredensial: {refused}")
                    raise typer.Exit(code=2)
                base = f"http://{_url_host(listen_host)}:{listen_port}"
                console.print(
                    f"kredensial: {workers} API processes at {base}; run the projections with `kredensial worker`"
                )
                uvicorn.run(
                    "infra.asgi:app",
                    factory=True,
                    workers=workers,
                    host=listen_host,
                    port=listen_port,
                    log_level="info",
                    proxy_headers=False,
                    http=http_protocol(),
                    loop="infra.accepting:TakingTurns",  # each process takes its share of connections (issue 35)
                    log_config=access_log.log_config(),
                )
                return
            runtime = boot()
            run_worker = projections and in_process
            app = create_app(
                runtime.services, on_startup=runtime.start_worker if run_worker else None, on_shutdown=runtime.close
            )
            base = f"http://{_url_host(listen_host)}:{listen_port}"
            console.print(f"kredensial: GraphQL at {base}/graphql (GraphiQL in a browser)", soft_wrap=True)
            console.print(f"kredensial: SIVIL at {base}/sivil (public verification)", soft_wrap=True)
            console.print(f"kredensial: health at {base}/health (read models' lag, the outbox)", soft_wrap=True)
            console.print(f"kredensial: every address, with the published keys and root, at {base}/", soft_wrap=True)
            collector.after_boot()  # what boot made, out of the collector's way; young objects less often (issue 35)
            # uvicorn's own proxy_headers would believe X-Forwarded-For from 127.0.0.1 and rewrite the client
            # address; KREDENSIAL_TRUSTED_PROXIES (api/public_lookup/address.py) must be the only trust that
            # counts (PIN-6).
            uvicorn.run(
                app,
                host=listen_host,
                port=listen_port,
                log_level="info",
                proxy_headers=False,
                http=http_protocol(),
                log_config=access_log.log_config(),  # no query value in the access log (issue 33)
            )

    @cli.command()
    def worker() -> None:
        """Run the projections in this process until interrupted."""
        runtime = boot()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        console.print("kredensial worker: following the event logs and sending the outbox (Ctrl-C to stop)")
        # A daemon: a stop must not wait out an SMTP server's slow answer (a row not yet marked is sent again).
        outbox = threading.Thread(
            target=runtime.services.submission.outbox.run, args=(stop,), name="outbox", daemon=True
        )
        outbox.start()
        try:
            runtime.services.worker.run(stop)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            outbox.join(timeout=10)
            runtime.close()

    @cli.command()
    def init(
        directory: Annotated[Path, typer.Argument(help="Where the secrets, the PKI and kredensial.env are kept")],
        database_url: Annotated[str, typer.Option(help="postgresql://... (kept if the file has one)")] = "",
        public_url: Annotated[str, typer.Option(help="How the public reaches this server (kept if set)")] = "",
        redis_url: Annotated[str, typer.Option(help="redis://... for several API processes (kept if set)")] = "",
        oidc_issuers: Annotated[
            Path | None,
            typer.Option(help="The identity providers' JSON file (README, Signing in): checked; made as an example"),
        ] = None,
    ) -> None:
        """Create what a production install needs and does not have yet; never overwrites a secret."""
        issuers = oidc_issuers.resolve() if oidc_issuers is not None else None
        for line in tools.init(directory.resolve(), database_url, public_url, redis_url, issuers):
            console.print(f"kredensial init: {line}", soft_wrap=True)
        console.print(f"kredensial init: load it with `set -a; . {directory.resolve() / 'kredensial.env'}; set +a`")

    @cli.command("check-config")
    def check_config() -> None:
        """Report every missing or invalid setting at once, without starting anything; exit 1 if any."""
        problems = tools.check_config()
        for line in problems:
            console.print(f"kredensial: {line}", soft_wrap=True, markup=False)
        if any(not line.endswith("(ignored)") for line in problems):
            raise typer.Exit(code=1)
        console.print("kredensial: the settings are valid")

    @cli.command()
    def migrate() -> None:
        """Create or upgrade every table, then exit. Idempotent; waits while another process does the same."""
        boot().close()
        console.print("kredensial: every table is created and up to date")

    @cli.command()
    def token(
        subject: Annotated[str, typer.Option(help="Who: a user id")],
        role: Annotated[Role, typer.Option(help="Role")],
        institution: Annotated[
            str | None, typer.Option(help="University code (university roles) or LSP code (an LSP's roles)")
        ] = None,
        hours: Annotated[float, typer.Option(help="Validity in hours")] = 8.0,
    ) -> None:
        """Mint a bearer token (development and tests)."""
        from api.auth import mint

        if lacks_institution(role, institution):  # issue 27, defect 7: the server would refuse it at sign-in
            console.print(f"[red]a {role} token needs --institution (its university or LSP code)[/red]")
            raise typer.Exit(code=2)
        if token_secret is not None:
            secret = token_secret()
        else:
            runtime = boot()
            sign_in = runtime.services.sign_in
            secret = sign_in.secret if sign_in.dev_tokens else None
            runtime.close()
        if secret is None:  # issue 29: production signs people in through its OpenID Connect issuers
            console.print(
                "[red]kredensial: a production install (PostgreSQL) takes no development tokens; people sign in "
                "through the issuers of KREDENSIAL_OIDC_ISSUERS (set KREDENSIAL_ALLOW_DEV_TOKENS=1 to allow them)[/red]"
            )
            raise typer.Exit(code=2)
        typer.echo(mint(secret, subject=subject, role=role, institution=institution, ttl=timedelta(hours=hours)))

    @cli.command("import-pddikti")
    def import_pddikti(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON Lines file")],
        jobs: Annotated[
            int | None,
            typer.Option(
                min=1, max=64, help="Worker processes, each importing whole universities (default: cores; SQLite: 1)"
            ),
        ] = None,
    ) -> None:
        """Import a PDDIKTI bulk report; bad rows are reported by line and rule, good rows still apply."""
        from application.registry.pddikti_import import ImportCut

        records = sum(1 for line in file.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#"))
        try:
            with _progress() as progress:
                task = progress.add_task(f"importing {file.name}", total=records)
                report = tools.import_pddikti(
                    boot,
                    file,
                    jobs or os.cpu_count() or 1,
                    Actor("pddikti-import", Role.PDDIKTI_SYNC, None),
                    lambda done: progress.update(task, completed=done),
                )
        except ImportCut as e:
            console.print(f"[red]kredensial: {e}[/red]")
            raise typer.Exit(code=1) from None
        for error in report.errors:
            console.print(f"[red]line {error.line_number}[/red] {error.rule_id} ({error.field}): {error.message}")
        console.print(
            f"{report.lines_read} lines: {report.applied} applied, {report.unchanged} unchanged, "
            f"{report.failed} refused"
        )
        if report.errors:
            raise typer.Exit(code=1)

    @cli.command("demo-data")
    def demo_data(
        file: Annotated[Path, typer.Argument(help="Where to write the JSON Lines cohort")] = Path(
            "var/demo-cohort.jsonl"
        ),
        universities: int = 2,
        programmes: int = 3,
        students: int = 30,
        seed: int = 2024,
    ) -> None:
        """Write a realistic synthetic cohort (universities, prodi, students, semesters, graduations)."""
        file.parent.mkdir(parents=True, exist_ok=True)
        with _progress() as progress:
            task = progress.add_task(f"writing {file}", total=None)
            lines = tools.write_cohort(
                file,
                universities=universities,
                programmes_per_university=programmes,
                students_per_programme=students,
                seed=seed,
                progress=lambda written: progress.update(task, completed=written),
            )
        console.print(f"wrote {lines} lines to {file}")

    @cli.command()
    def rebuild(name: Annotated[str, typer.Argument(help="Read model: sivil, eligibility or numbering")]) -> None:
        """Rebuild one read model from the event log beside the live one, then swap it in."""
        from projections.worker import RebuildRunning

        runtime = boot()
        try:
            worker = runtime.services.worker
            if name not in worker.projections:
                raise typer.BadParameter(f"unknown read model {name!r}; one of {', '.join(worker.projections)}")
            total = sum(log.recorder.max_notification_id() or 0 for log in worker.followed(name))
            bar, tasks = _progress(), list[TaskID]()

            def advance(read: int) -> None:  # the bar appears once the rebuild holds its lock, not before a refusal
                if not tasks:
                    bar.start()
                    tasks.append(bar.add_task(f"rebuilding {name}", total=total))
                bar.advance(tasks[0], read)

            try:
                worker.rebuild(name, progress=advance)
            except RebuildRunning as e:
                console.print(f"kredensial rebuild: {e}", soft_wrap=True)
                raise typer.Exit(code=1) from None
            finally:
                bar.stop()
            console.print(f"{name}: rebuilt from {total} events")
            skipped = sum(s.failure_count for s in worker.status() if s.name == name)
            if skipped:
                console.print(
                    f"[red]{name}: {skipped} event(s) could not be applied and were skipped[/red];"
                    " see kredensial projection-status"
                )
        finally:
            runtime.close()

    @cli.command("projection-status")
    def projection_status(
        as_json: Annotated[bool, typer.Option("--json", help="Print what /health answers, as JSON")] = False,
    ) -> None:
        """Each read model's position, lag and skipped events; exit code 1 when one skipped an event."""
        from api.health import report_body, report_lines

        runtime = boot()
        try:
            statuses = runtime.services.worker.status()
        finally:
            runtime.close()
        if as_json:
            typer.echo(json.dumps(report_body(statuses), indent=2))
        else:
            for line in report_lines(statuses):
                typer.echo(line)
        if not all(s.healthy for s in statuses):
            raise typer.Exit(code=1)

    @cli.command("erase-personal-data")
    def erase_personal_data(
        university: Annotated[str, typer.Argument(help="University code")],
        nim: Annotated[str, typer.Argument(help="The student's NIM")],
        reason: Annotated[str, typer.Option(help="The ground: end of retention, or the person's request")],
        actor: Annotated[str, typer.Option(help="Who is erasing (recorded in the event)")] = "kredensial-cli",
    ) -> None:
        """Erase a student's personal data (UU PDP): the event history stays, its sealed copies become unreadable."""
        runtime = boot()
        try:
            cause = Cause(Actor(actor, Role.MINISTRY_ADMIN, None), request_id=f"cli:{uuid.uuid4()}", reason=reason)
            receipt = runtime.services.registry.erase_personal_data(university_code=university, nim=nim, cause=cause)
        except DomainError as e:
            console.print(f"refused: {e}")
            raise typer.Exit(code=1) from None
        finally:
            runtime.close()
        console.print(ERASURE_MESSAGES.get(receipt.outcome, "erased"))

    @cli.command("verify-pdf")
    def verify_pdf(
        file: Annotated[Path, typer.Argument(help="A SIVIL verification PDF")],
        keys: Annotated[Path | None, typer.Option(help="Saved copy of the published keys (JSON)")] = None,
        server: Annotated[
            str | None,
            typer.Option(
                help="Base URL of SIVIL, for its keys and the current status (default: the one the PDF names)"
            ),
        ] = None,
        offline: Annotated[
            bool,
            typer.Option(
                help="Do not ask any server (needs --keys, and --root for a PDF chained to the kredensial root)"
            ),
        ] = False,
        root: Annotated[
            Path | None,
            typer.Option(help="Saved copy of the kredensial root certificate (PEM, /.well-known/kredensial-root.pem)"),
        ] = None,
    ) -> None:
        """Check a verification PDF (PIN-7): file signature, signed statement, page text and QR code, and the current
        status online.

        Exit codes:

        0 verified: authentic, and the server confirmed just now that the diploma is still valid;

        1 not verified: changed, wrongly signed, unknown key, keys unobtainable, or no longer found;

        2 usage: no such file, or no keys and no server;

        3 authentic, but the current status was NOT checked (offline, server unreachable, 429, 5xx);

        4 authentic, but the diploma is annulled (VOID or CANCELLED_IN_ERROR): not valid.

        It never reads or creates this installation's data directory or secrets.
        """
        code, lines = tools.verify_pdf(file, keys, server, offline, root)
        for line in lines:
            typer.echo(line)
        raise typer.Exit(code=int(code))

    @cli.command("verify-credential")
    def verify_credential(
        file: Annotated[Path, typer.Argument(help="A W3C credential (JSON), or a PDF that carries one")],
        did_document: Annotated[
            Path | None, typer.Option(help="Saved copy of the issuer's DID document (/.well-known/did.json)")
        ] = None,
        status: Annotated[
            list[Path] | None, typer.Option(help="Saved status list or annulment statement (repeatable)")
        ] = None,
        server: Annotated[
            str | None, typer.Option(help="Fetch the issuer's documents from this base URL instead")
        ] = None,
        offline: Annotated[bool, typer.Option(help="Do not ask any server (needs --did-document)")] = False,
    ) -> None:
        """Check a credential (issue 13): its eddsa-jcs-2022 proof against the issuer's DID document, its
        revocation and suspension bits in the signed status lists, and what an annulment means.

        Exit codes: 0 verified and not revoked; 1 not verified; 2 usage; 3 authentic, status not checked;
        4 revoked (annulled); 5 suspended (an annulment is under decision).
        """
        code, lines = tools.verify_credential(file, did_document, list(status or []), server, offline)
        for line in lines:
            typer.echo(line)
        raise typer.Exit(code=int(code))

    @cli.command("schema")
    def schema_files(
        write: Annotated[bool, typer.Option(help="Write schema/*.graphql and note breaking changes")] = False,
        directory: Annotated[Path, typer.Option(help="Where the SDL files are committed")] = Path("schema"),
        changelog: Annotated[Path, typer.Option(help="The breaking changes")] = Path("docs/SCHEMA_CHANGELOG.md"),
    ) -> None:
        """The SDL of /graphql, /sivil/graphql and /sertifikat/graphql (issue 32). Without --write, checks that the
        committed files are the code's (exit 1 if not); with it, writes them, and adds each breaking change the
        changelog does not name yet to its Unreleased section."""
        from api import schema_files as files

        outcome = (files.write if write else files.compare)(directory, changelog)
        for line in outcome.unnoted:
            typer.echo(f"breaking: {line[2:]}")
        if write:
            typer.echo(f"written: {', '.join(outcome.changed) or 'nothing changed'}")
            if outcome.unnoted:
                typer.echo(
                    f"{changelog}: {len(outcome.unnoted)} breaking change(s) added under Unreleased; explain them"
                )
            return
        if outcome.changed:
            typer.echo(f"out of date: {', '.join(outcome.changed)}; run `{files.WRITE_COMMAND}`")
            raise typer.Exit(code=1)
        typer.echo("the committed schemas are the code's")

    return cli


@contextmanager
def _serving_address(host: str, port: int) -> Iterator[None]:
    """KREDENSIAL_HOST and KREDENSIAL_PORT set to what is served, for as long as it is served."""
    before = {name: os.environ.get(name) for name in ("KREDENSIAL_HOST", "KREDENSIAL_PORT")}
    os.environ["KREDENSIAL_HOST"], os.environ["KREDENSIAL_PORT"] = host, str(port)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _url_host(host: str) -> str:
    """Where to point a browser: a wildcard address is reached on loopback; IPv6 goes in brackets."""
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
