"""The ``kredensial`` command line, run in-process with typer's runner on a fresh SQLite data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.auth import SignIn
from domain.audit import Role
from infra.bootstrap import bootstrap
from infra.main import cli as build_cli
from infra.settings import Settings

SECRET = "cli-secret-" + "c" * 32


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {"KREDENSIAL_DATA_DIR": str(tmp_path / "var"), "KREDENSIAL_SECRET": SECRET, "KREDENSIAL_MASTER_KEY": "33" * 32}
    )


def run(settings: Settings, *args: str) -> tuple[int, str]:
    cli = build_cli(lambda: bootstrap(settings), serve_settings=lambda: (settings.host, settings.port, True))
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_token_mints_a_bearer_token_for_a_subject_role_and_institution(settings: Settings) -> None:
    code, output = run(
        settings, "token", "--subject", "op@contoh", "--role", "university_operator", "--institution", "001002"
    )
    assert code == 0
    actor = SignIn(SECRET).actor("Bearer " + output.strip())
    assert actor is not None and (actor.id, actor.role, actor.institution) == (
        "op@contoh",
        Role.UNIVERSITY_OPERATOR,
        "001002",
    )


def test_demo_data_imports_once_then_changes_no_record_and_rebuilds(settings: Settings, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.jsonl"
    assert (
        run(settings, "demo-data", str(cohort), "--universities", "1", "--programmes", "2", "--students", "4")[0] == 0
    )
    code, output = run(settings, "import-pddikti", str(cohort))
    assert code == 0, output
    container = bootstrap(settings)
    try:
        events = container.services.diploma.commands.recorder.max_notification_id()
        assert events and "0 refused" in output
        code, output = run(settings, "import-pddikti", str(cohort))
        assert code == 0 and " 0 applied" in output
        events += 1  # the second run's own record (issue 32), and nothing else
        assert container.services.diploma.commands.recorder.max_notification_id() == events
        code, output = run(settings, "rebuild", "eligibility")
        assert code == 0 and f"rebuilt from {events} events" in output
        assert container.worker.position("eligibility") == events
    finally:
        container.close()


def test_import_reports_a_bad_row_by_line_and_rule_and_exits_non_zero(settings: Settings, tmp_path: Path) -> None:
    feed = tmp_path / "bad.jsonl"
    feed.write_text(
        '{"kind":"university","code":"001002","name":"Universitas Contoh"}\n{"kind":"university","code":"12"}\n'
    )
    code, output = run(settings, "import-pddikti", str(feed))
    assert code == 1
    assert "line 2" in output and "PIN-0" in output
    assert "1 applied" in output


def test_rebuild_names_the_read_models_it_knows(settings: Settings) -> None:
    code, output = run(settings, "rebuild", "nosuch")
    assert code != 0 and "sivil" in output
