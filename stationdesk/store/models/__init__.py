"""All mapped tables. Import from here: `from stationdesk.store.models import Station`."""

from stationdesk.store.base import Base
from stationdesk.store.models.activity import (
    Consultation,
    FirstPayout,
    FollowUp,
    FundEntry,
    GoodsCategory,
    MediationCase,
)
from stationdesk.store.models.admin import AuditLog, HolidayOverride, ImportMapping, Setting, User
from stationdesk.store.models.register import (
    Category,
    County,
    Office,
    SiteCheck,
    Station,
    StatusHistory,
    Street,
)
from stationdesk.store.models.review import Reexamination, ReexamRound, Standard, ZombieDecision

__all__ = [
    "AuditLog",
    "Base",
    "Category",
    "Consultation",
    "County",
    "FirstPayout",
    "FollowUp",
    "FundEntry",
    "GoodsCategory",
    "HolidayOverride",
    "ImportMapping",
    "MediationCase",
    "Office",
    "ReexamRound",
    "Reexamination",
    "Setting",
    "SiteCheck",
    "Standard",
    "Station",
    "StatusHistory",
    "Street",
    "User",
    "ZombieDecision",
]
