"""911 calls imported from the dispatch (CAD) system, placed in sectors and counted per month.

One module per responsibility; every model is importable from calls.models, as Django expects.
"""

from .call import Call
from .choices import Origin, Placement, Urgency
from .classification import CallCategory, CallType
from .counts import CallCountsState, MonthlyCallCount
from .imports import ImportBatch, ImportProfile

__all__ = [
    "Call",
    "CallCategory",
    "CallCountsState",
    "CallType",
    "ImportBatch",
    "ImportProfile",
    "MonthlyCallCount",
    "Origin",
    "Placement",
    "Urgency",
]
