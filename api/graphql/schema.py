from __future__ import annotations

from api.graphql.cost import Limits, extensions
from api.graphql.mutations import Mutation
from api.graphql.queries import Query
from api.graphql.transport import Schema
from api.unavailable import UnavailableErrors

# Staff documents are small: the deepest real one (eligibility failures) is 4 levels; lists page at 500 rows.
LIMITS = Limits(max_depth=8, max_aliases=20, max_tokens=2000)

schema = Schema(query=Query, mutation=Mutation, extensions=[*extensions(LIMITS), UnavailableErrors])
