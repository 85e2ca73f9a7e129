"""Issue 28, item 2: the settings are one validated object. A bad value is refused at start with the variable's name
and what it expects, every problem at once; the README's settings table names exactly the settings there are."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from infra.settings import PREFIX, ConfigError, Settings
from tests.regressions.test_defect_14_readme import README
from tests.servers import clean_env

KREDENSIAL = [sys.executable, "-m", "infra.main"]


def test_the_readme_settings_table_names_every_setting_and_no_other() -> None:
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `KREDENSIAL_")]
    documented = {name for row in rows for name in re.findall(r"`(KREDENSIAL_[A-Z0-9_]+)`", row.split("|")[1])}
    # KREDENSIAL_COLLECTIVE_LEAVE fills two fields: the days added, and the days removed (written -YYYY-MM-DD)
    settings = {PREFIX + field.upper() for field in Settings.model_fields if field != "collective_leave_removed"}
    assert documented == settings


def test_every_bad_value_is_named_at_once_with_what_it_expects(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(
            {
                "KREDENSIAL_DATA_DIR": str(tmp_path),
                "KREDENSIAL_PORT": "abc",
                "KREDENSIAL_BODY_TIMEOUT": "0",
                "KREDENSIAL_SIVIL_RATE_LIMIT": "lots",
                "KREDENSIAL_PUBLIC_URL": "javascript:alert(1)",
                "KREDENSIAL_COLLECTIVE_LEAVE": "2026-13-01",
            }
        )
    problems = "\n".join(refused.value.problems)
    for name in ["PORT", "BODY_TIMEOUT", "SIVIL_RATE_LIMIT", "PUBLIC_URL", "COLLECTIVE_LEAVE"]:
        assert f"KREDENSIAL_{name}:" in problems
    assert "1 to 65535" in problems and "'abc'" in problems


def test_postgresql_without_its_secrets_names_each_missing_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"KREDENSIAL_DATA_DIR": str(tmp_path), "KREDENSIAL_DATABASE_URL": "postgresql://x/y"})
    missing = {line.split(":")[0] for line in refused.value.problems}
    assert missing == {
        "KREDENSIAL_SECRET",
        "KREDENSIAL_MASTER_KEY",
        "KREDENSIAL_SIVIL_SIGNING_KEYS",
        "KREDENSIAL_PDF_SIGNING_KEY",
        "KREDENSIAL_PDF_SIGNING_CHAIN",
        "KREDENSIAL_PUBLIC_URL",
    }
    assert not (tmp_path / "token-secret").exists()  # nothing secret is made up for a production store


def test_serve_with_a_bad_port_names_the_variable_without_a_traceback(tmp_path: Path) -> None:
    env = {**clean_env(), "KREDENSIAL_DATA_DIR": str(tmp_path), "KREDENSIAL_PORT": "abc"}
    done = subprocess.run([*KREDENSIAL, "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "KREDENSIAL_PORT" in done.stderr and "Traceback" not in done.stderr


def test_check_config_reports_everything_and_starts_nothing(tmp_path: Path) -> None:
    env = {**clean_env(), "KREDENSIAL_DATA_DIR": str(tmp_path / "var"), "KREDENSIAL_MAX_UPLOADS": "0"}
    done = subprocess.run([*KREDENSIAL, "check-config"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "KREDENSIAL_MAX_UPLOADS" in done.stderr
    good = subprocess.run(
        [*KREDENSIAL, "check-config"],
        env={**env, "KREDENSIAL_MAX_UPLOADS": "4"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
