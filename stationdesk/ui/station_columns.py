"""The register's columns: one declaration each (header, width, formatter, sort key)."""

from __future__ import annotations

from collections.abc import Container
from datetime import date

from stationdesk.domain.indicators import Indicator
from stationdesk.domain.money import format_yuan
from stationdesk.domain.vocabulary import HostStatus, Labelled, StationForm, StationLevel, StationStatus
from stationdesk.services.register import StationRow
from stationdesk.ui.lazy_model import Column


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _label(enum: type[Labelled], code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


def station_columns(year: int, flagged: Container[int] = ()) -> list[Column[StationRow]]:
    """All columns the register offers; the user picks and orders them (remembered). `flagged`
    holds the stations the zombie rules flag today (the 疑似僵尸 marker)."""
    return [
        Column("code", "站点编号", 100, lambda r: r.code),
        Column("name", "站点名称", 240, lambda r: r.name),
        Column("category", "类别", 90, lambda r: r.category),
        Column("form", "形式", 110, lambda r: _label(StationForm, r.form)),
        Column("level", "级别", 80, lambda r: _label(StationLevel, r.level)),
        Column("status", "状态", 80, lambda r: _label(StationStatus, r.status)),
        Column("county", "县区", 80, lambda r: r.county),
        Column("street", "街道乡镇", 90, lambda r: r.street),
        Column("host_name", "依托单位", 200, lambda r: r.host_name),
        Column("host_credit_code", "统一社会信用代码", 160, lambda r: r.host_credit_code),
        Column("host_status", "依托单位状态", 90, lambda r: _label(HostStatus, r.host_status),
               colour=lambda r: None if r.host_status == HostStatus.NORMAL.value else "#b3261e"),
        Column("contact_person", "联系人", 70, lambda r: r.contact_person),
        Column("contact_phone", "联系电话", 120, lambda r: r.contact_phone),
        Column("address", "地址", 220, lambda r: r.address),
        Column("established_on", "建站日期", 90, lambda r: _day(r.established_on)),
        Column(
            "received",
            f"{year}年受理",
            80,
            lambda r: str(r.figures.received),
            numeric=True,
            tooltip=f"{year}年内受理的投诉件数",
        ),
        Column(
            "self_rate",
            "自行调解率",
            80,
            lambda r: r.figures.rate(Indicator.SELF_MEDIATION).percent_text(),
            numeric=True,
            sortable=False,
            tooltip="自行调解件数 ÷ 已办结件数（以“移交”结案的不计）",
        ),
        Column(
            "success_rate",
            "调解成功率",
            80,
            lambda r: r.figures.rate(Indicator.MEDIATION_SUCCESS).percent_text(),
            numeric=True,
            sortable=False,
            tooltip="调解成功 ÷ (成功 + 不成功 + 终止)，撤回不计",
        ),
        Column(
            "recovered",
            "挽回损失(元)",
            100,
            lambda r: format_yuan(r.figures.recovered_fen),
            numeric=True,
            sortable=False,
        ),
        Column("last_case_on", "最近受理", 90, lambda r: _day(r.last_case_on), sortable=False),
        Column("updated_by", "最后修改人", 80, lambda r: r.updated_by),
        Column(
            "zombie",
            "疑似僵尸",
            70,
            lambda r: "疑似" if r.id in flagged else "",
            sortable=False,
            colour=lambda r: "#b3261e" if r.id in flagged else None,
            tooltip="按当前僵尸站点规则排查命中（详见“僵尸站点”）",
        ),
    ]


DEFAULT_HIDDEN = frozenset(
    {"host_credit_code", "address", "established_on", "contact_person", "street", "updated_by"}
)
