"""Issue 29, item 1: the issuers file is read once at start into value objects; each mistake is named with where it
is in the file, and nothing starts. The README's example is a file that loads."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.oidc.issuers import DEFAULT_ALGORITHMS, IssuersRefused, parse_issuers
from domain.audit import Role
from infra.settings import ConfigError, Settings
from tests.oidc.issuers import issuers_file, university_sso
from tests.regressions.test_defect_14_readme import README
from tests.servers import clean_env

SSO = "https://sso.univ.example"


def problems(data: Any) -> list[str]:
    with pytest.raises(IssuersRefused) as refused:
        parse_issuers(data)
    return refused.value.problems


def test_the_readmes_example_loads_with_one_issuer_of_each_kind() -> None:
    block = re.search(r"## Signing in\n.*?```json\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README has no issuers example"
    issuers = parse_issuers(json.loads(block.group(1))).issuers
    assert [i.institutions for i in issuers] == [None, ("001002",), None]
    assert issuers[0].algorithms == DEFAULT_ALGORITHMS
    assert issuers[1].mappings[2].role is Role.PDDIKTI_SYNC


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"algorithms": ["HS256"]}, "issuers.0.algorithms.0"),
        ({"algorithms": ["none"]}, "issuers.0.algorithms.0"),
        ({"audience": ""}, "issuers.0.audience"),
        ({"issuer": "sso.univ.example"}, "issuers.0.issuer"),
        ({"institutions": ["00 1002"]}, "issuers.0.institutions.0"),
        ({"mappings": []}, "issuers.0.mappings"),
        ({"mappings": [{"when": {"claim": "roles"}, "role": "student", "institution": {"value": "001002"}}]}, "when"),
        ({"mappings": [{"when": {"claim": "a", "present": True}, "role": "wizard"}]}, "issuers.0.mappings.0.role"),
        ({"mappings": [{"when": {"claim": "a", "present": True}, "role": "student"}]}, "give `institution`"),
        ({"mappings": [{"when": {"claim": "a", "present": True}, "role": "ministry_admin"}]}, "no national role"),
        (
            {"mappings": [{"when": {"claim": "a", "present": True}, "role": "student", "institution": {"value": "9"}}]},
            "not among `institutions`",
        ),
        ({"client_secret": "x"}, "issuers.0.client_secret"),
    ],
)
def test_a_mistake_in_the_file_is_named_with_where_it_is(change: dict[str, Any], named: str) -> None:
    assert any(named in problem for problem in problems(issuers_file({**university_sso(SSO), **change})))


def test_an_issuer_listed_twice_is_refused() -> None:
    assert problems(issuers_file(university_sso(SSO), university_sso(SSO))) == ["the file: an issuer is listed twice"]


def test_settings_name_the_variable_and_check_config_starts_nothing(tmp_path: Path) -> None:
    config = tmp_path / "issuers.json"
    config.write_text(json.dumps(issuers_file({**university_sso(SSO), "algorithms": ["HS256"]})))
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"KREDENSIAL_DATA_DIR": str(tmp_path), "KREDENSIAL_OIDC_ISSUERS": str(config)})
    assert refused.value.problems[0].startswith("KREDENSIAL_OIDC_ISSUERS: issuers.0.algorithms.0:")
    env = {**clean_env(), "KREDENSIAL_DATA_DIR": str(tmp_path / "var"), "KREDENSIAL_OIDC_ISSUERS": str(config)}
    done = subprocess.run([sys.executable, "-m", "infra.main", "check-config"], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "KREDENSIAL_OIDC_ISSUERS: issuers.0.algorithms.0" in done.stderr
    config.write_text(json.dumps(issuers_file(university_sso(SSO))))
    assert Settings.from_env(env).issuers.named(SSO) is not None


def test_production_mints_no_development_token_unless_allowed(tmp_path: Path) -> None:
    from tests.signed_pdfs import pdf_signing_env

    env = {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",  # minting needs no database
        "KREDENSIAL_SECRET": "s" * 32,
        "KREDENSIAL_MASTER_KEY": "11" * 32,
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        "KREDENSIAL_PUBLIC_URL": "https://sivil.example.go.id",
        **pdf_signing_env(tmp_path / "pki"),
    }
    mint = [sys.executable, "-m", "infra.main", "token", "--subject", "a", "--role", "ministry_admin"]
    refused = subprocess.run(mint, env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "KREDENSIAL_ALLOW_DEV_TOKENS" in refused.stdout + refused.stderr
    allowed = subprocess.run(mint, env={**env, "KREDENSIAL_ALLOW_DEV_TOKENS": "1"}, capture_output=True, text=True)
    assert allowed.returncode == 0 and allowed.stdout.count(".") == 2, allowed.stderr
