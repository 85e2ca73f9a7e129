"""The equivalency context's builder (issue 33): its commands, read model, and the SK and replacement PDFs."""

from __future__ import annotations

import functools
from typing import Any

from api.services import EquivalencyServices
from application.equivalency.equivalencies import Equivalencies
from infra.composition import Shared
from projections.equivalency.view import EquivalencyView


def equivalency_services(shared: Shared, commands: Equivalencies, view: EquivalencyView) -> EquivalencyServices:
    documents = (view, shared.pdf_signer, shared.clock, shared.public_url, shared.settings.sk_signatory)
    return EquivalencyServices(
        commands=commands,
        view=view,
        sk_pdf=functools.partial(_sk_pdf, *documents, shared.credentials.sk),
        replacement_pdf=functools.partial(_replacement_pdf, *documents, shared.credentials.sk),
    )


# Each document's module loads reportlab and pyHanko: on the first PDF, not at start-up.
def _sk_pdf(*args: Any) -> bytes | None:
    from infra.equivalency.sk_pdf import sk_document

    return sk_document(*args)


def _replacement_pdf(*args: Any) -> bytes | None:
    from infra.equivalency.sk_replacement_pdf import replacement_document

    return replacement_document(*args)
