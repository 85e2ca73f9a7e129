from __future__ import annotations

import strawberry

from api.graphql.mutations import Mutation
from api.graphql.queries import Query

schema = strawberry.Schema(query=Query, mutation=Mutation)
