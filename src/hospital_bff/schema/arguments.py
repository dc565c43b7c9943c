"""Arguments several root fields take, each described once."""

from __future__ import annotations

from typing import Annotated

import strawberry

CallersPatient = Annotated[
    strawberry.ID, strawberry.argument(description="One of the caller's patients")
]
CallersOrder = Annotated[
    strawberry.ID, strawberry.argument(description="One of the caller's orders")
]
CallersOffer = Annotated[
    strawberry.ID, strawberry.argument(description="An open offer of the caller's")
]
PageSize = Annotated[
    int | None, strawberry.argument(description="Page size (default 20, at most 100)")
]
PageAfter = Annotated[
    str | None, strawberry.argument(description="The endCursor of the previous page")
]
