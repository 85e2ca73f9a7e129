"""The staff schema: one Query and one Mutation, merged from each context's own (``strawberry.tools.merge_types``).

A context adds its types here as it lands; the merged SDL is committed in schema/staff.graphql
(``./run kredensial schema --write``) and checked by tests/api/test_schema_sdl.py.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from api.graphql.assessment.mutations import AssessmentMutation
from api.graphql.assessment.queries import AssessmentQuery
from api.graphql.audit.queries import AuditQuery
from api.graphql.cost import Limits, extensions
from api.graphql.diploma.mutations import DiplomaMutation
from api.graphql.diploma.queries import DiplomaQuery
from api.graphql.equivalency.mutations import EquivalencyMutation
from api.graphql.equivalency.queries import EquivalencyQuery
from api.graphql.registry.mutations import RegistryMutation
from api.graphql.submission.mutations import SubmissionMutation
from api.graphql.submission.queries import SubmissionQuery
from api.graphql.transport import Schema
from api.unavailable import UnavailableErrors

# Staff documents are small: the deepest real one (eligibility failures) is 4 levels; lists page at 500 rows.
LIMITS = Limits(max_depth=8, max_aliases=20, max_tokens=2000)

Query = merge_types("Query", (DiplomaQuery, SubmissionQuery, AssessmentQuery, EquivalencyQuery, AuditQuery))
Mutation = merge_types(
    "Mutation", (RegistryMutation, DiplomaMutation, SubmissionMutation, AssessmentMutation, EquivalencyMutation)
)

schema = Schema(query=Query, mutation=Mutation, extensions=[*extensions(LIMITS), UnavailableErrors])
