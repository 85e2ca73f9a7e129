"""What the API needs, handed to it by the composition root (``infra.bootstrap``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from application.diplomas import Diplomas
from projections.eligibility.view import EligibilityView
from projections.numbering.view import NumberingView
from projections.sivil.view import SivilView
from projections.worker import ProjectionWorker


@dataclass
class Services:
    diplomas: Diplomas
    eligibility: EligibilityView
    numbering: NumberingView
    sivil: SivilView
    worker: ProjectionWorker
    wait: Callable[[str, int | None], None]  # (read model, position): blocks until it is there
    token_secret: str
    today: Callable[[], date]
