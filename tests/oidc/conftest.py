"""One real OpenID provider per test module, with keys of its own: the identity provider of a university (its
students, its operators and its PDDIKTI feed) and the ministry's (LSP staff, applicants abroad)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.assessment.lsp import LSP
from tests.oidc.provider import Machine, OpenIDProvider, running_provider
from tests.world import UNIVERSITY

OTHER_UNIVERSITY = "009999"
FEED = Machine("pddikti-feed", "feed-secret-" + "f" * 32)
# Account id at the provider -> the claims its access tokens carry (what a kredensial mapping reads).
CAMPUS_ACCOUNTS = {
    "budi": {"nim": "2020001", "name": "Budi Santoso"},
    "siti": {"roles": ["operator"], "university": UNIVERSITY},
    "joko": {"roles": ["operator"], "university": OTHER_UNIVERSITY},  # claims another university
    "tamu": {"name": "A guest the university knows, with no role at all"},
}
MINISTRY_ACCOUNTS = {
    "kabag-s": {"roles": ["kabag_sertifikasi"], "lsp": LSP},
    "akun-rina": {"portal": "applicant", "name": "Rina Wijaya"},
}


@pytest.fixture(scope="module")
def campus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIDProvider]:
    with running_provider(tmp_path_factory.mktemp("campus-idp"), accounts=CAMPUS_ACCOUNTS, machines=[FEED]) as provider:
        yield provider


@pytest.fixture(scope="module")
def ministry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIDProvider]:
    with running_provider(tmp_path_factory.mktemp("ministry-idp"), accounts=MINISTRY_ACCOUNTS, machines=[]) as provider:
        yield provider
