"""The staff schema: one Query and one Mutation, merged from each context's own (``strawberry.tools.merge_types``).

A context adds its types here as it lands; the merged SDL is committed in schema/staff.graphql
(``./run kredensial schema --write``) and checked by tests/api/test_schema_sdl.py.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from api.graphql.assessment.closing import ClosingMutation, ProcessReviewQuery
from api.graphql.assessment.mutations import AssessmentMutation
from api.graphql.assessment.queries import AssessmentQuery
from api.graphql.assessment.remote import RemoteAssessmentMutation, RemoteAssessmentQuery
from api.graphql.audit.queries import AuditQuery
from api.graphql.cost import Limits, extensions
from api.graphql.diploma.mutations import DiplomaMutation
from api.graphql.diploma.queries import DiplomaQuery
from api.graphql.equivalency.mutations import EquivalencyMutation
from api.graphql.equivalency.queries import EquivalencyQuery
from api.graphql.registry.mutations import RegistryMutation
from api.graphql.sharing.mutations import SharingMutation
from api.graphql.sharing.queries import SharingQuery
from api.graphql.submission.mutations import SubmissionMutation
from api.graphql.submission.queries import SubmissionQuery
from api.graphql.transport import Schema
from api.graphql.viewer.competency import AsesiViewer, AsesorViewer, BnspViewer, LspViewer
from api.graphql.viewer.national import ApplicantViewer, AuditorViewer, DirectorateViewer, LegalViewer, NationalViewer
from api.graphql.viewer.queries import ViewerQuery
from api.graphql.viewer.university import FeedViewer, SscViewer, StudentViewer, UniversityViewer
from api.unavailable import UnavailableErrors

# Staff documents are small: the deepest real one (eligibility failures) is 4 levels; lists page at 500 rows.
LIMITS = Limits(max_depth=8, max_aliases=20, max_tokens=2000)

Query = merge_types(
    "Query",
    (
        ViewerQuery,
        DiplomaQuery,
        SubmissionQuery,
        AssessmentQuery,
        ProcessReviewQuery,
        RemoteAssessmentQuery,
        EquivalencyQuery,
        AuditQuery,
        SharingQuery,
    ),
)
# Every viewer type: ``viewer`` returns the interface, so the schema is told each implementation.
VIEWERS = (
    StudentViewer,
    UniversityViewer,
    SscViewer,
    FeedViewer,
    LspViewer,
    AsesiViewer,
    AsesorViewer,
    BnspViewer,
    NationalViewer,
    DirectorateViewer,
    LegalViewer,
    AuditorViewer,
    ApplicantViewer,
)
Mutation = merge_types(
    "Mutation",
    (
        RegistryMutation,
        DiplomaMutation,
        SubmissionMutation,
        AssessmentMutation,
        ClosingMutation,
        RemoteAssessmentMutation,
        EquivalencyMutation,
        SharingMutation,
    ),
)

schema = Schema(query=Query, mutation=Mutation, types=VIEWERS, extensions=[*extensions(LIMITS), UnavailableErrors])
