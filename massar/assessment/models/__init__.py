"""Assessment: rules of the calendar, the test calendar, mark sheets, computed results, class
councils, orientation and published results. One module per concern; all are imported here so
that Django finds them."""

from .calendar import Test, TestKind
from .councils import ClassCouncil, CouncilAppreciation, CouncilDecision, CouncilStatus
from .marks import ChangeRequest, ChangeRequestStatus, MarkField, MarkRow, MarkSheet, SheetStatus
from .orientation import OrientationWish, StreamCapacity
from .periods import Period, Semester
from .publication import BatchStatus, Publication, PublishedReport, ReportCardBatch
from .results import PeriodResult, SubjectResult, SubjectStatistics
from .windows import EntryWindow, OrientationPhase, OrientationWindow

__all__ = [
    "BatchStatus",
    "ChangeRequest",
    "ChangeRequestStatus",
    "ClassCouncil",
    "CouncilAppreciation",
    "CouncilDecision",
    "CouncilStatus",
    "EntryWindow",
    "MarkField",
    "MarkRow",
    "MarkSheet",
    "OrientationPhase",
    "OrientationWindow",
    "OrientationWish",
    "Period",
    "PeriodResult",
    "Publication",
    "PublishedReport",
    "ReportCardBatch",
    "Semester",
    "SheetStatus",
    "StreamCapacity",
    "SubjectResult",
    "SubjectStatistics",
    "Test",
    "TestKind",
]
