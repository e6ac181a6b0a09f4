"""StationDesk (维权站点管理台): the register of 12315 consumer-rights service stations."""

__version__ = "0.1.0"
