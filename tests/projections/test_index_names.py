"""A rebuild renames a projection's tables and indexes by prefix (projections/shadow.py): an index whose name does
not start with its table's would be dropped by the swap and not come back until a restart."""

from __future__ import annotations

import re

import pytest

from projections.assessment.projection import AssessmentProjection
from projections.eligibility.projection import EligibilityProjection
from projections.equivalency.projection import EquivalencyProjection
from projections.imports.projection import ImportProjection
from projections.numbering.projection import NumberingProjection
from projections.projection import Projection
from projections.sivil.projection import SivilProjection
from projections.submission.outbox import OutboxProjection
from projections.submission.projection import SubmissionProjection

INDEX = re.compile(r"CREATE (?:UNIQUE )?INDEX IF NOT EXISTS (\w+) ON (\w+)", re.I)


@pytest.mark.parametrize(
    "projection",
    [
        AssessmentProjection,
        EligibilityProjection,
        EquivalencyProjection,
        ImportProjection,
        NumberingProjection,
        SivilProjection,
        OutboxProjection,
        SubmissionProjection,
    ],
)
def test_every_index_is_named_after_its_table(projection: type[Projection]) -> None:
    for statement in projection.ddl:
        found = INDEX.search(statement)
        if found:
            index, table = found.groups()
            assert table in projection.tables and index.startswith(table), statement
