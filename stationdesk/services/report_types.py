"""What a printed report says, as plain data: the services fill these, `stationdesk.reports`
lays them out (PDF, .xlsx) and never touches the database.

Why a separate contract: the same station report is printed from the register, the command line
and a batch of a thousand; the same summary goes to paper and to Excel. Values stay raw (fen,
counts, dates, fractions) so each output formats them its own way (Excel wants numbers, paper
wants "1,234.50").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal

SUMMARY_KINDS: dict[str, str] = {
    "counties": "站点分布汇总表（县区 × 类别 × 级别）",
    "work": "年度工作情况汇总表",
    "ranking": "年度复核红黑榜",
    "zombies": "僵尸站点清单及处置情况",
    "overview": "统计概览（含图表）",
}
"""The summaries by the code the command line takes, with the name the UI lists them under
(here, with no database imports, so the command line's parser can list them at once)."""

# ---------------------------------------------------------------------------------------------
# Station inspection report (站点检查报告)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabelledValue:
    """One "label: value" line of the identity block ("依托单位", "某某超市有限公司")."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class FacilityLine:
    """One facilities checklist item: present (✓) or not, and whether the level requires it."""

    label: str
    required: bool
    present: bool


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    """One indicator beside the standard for the station's level.

    `value` is what was measured ("93.8%", "12 件"), `counts` how ("182/194", may be ""),
    `standard` the bar ("≥ 90%", "不作要求"), `met` True (达标) / False (未达标) / None (无数据,
    or not judged).
    """

    label: str
    value: str
    counts: str
    standard: str
    met: bool | None


@dataclass(frozen=True, slots=True)
class FundSummary:
    """The station's first-payout (先行赔付) position for the report's period."""

    in_scheme: bool
    committed_fen: int
    balance_fen: int
    payouts: int
    payout_fen: int
    recovered_fen: int


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One case in the report's table; the consumer is already masked (张**)."""

    number: str
    received_on: date
    consumer: str
    subject: str
    result: str
    closed_on: date | None
    recovered_fen: int


@dataclass(frozen=True, slots=True)
class StationReport:
    """Everything one station's inspection report prints."""

    bureau_name: str
    year: int
    period_start: date
    period_end: date
    printed_on: date
    code: str
    name: str
    identity: tuple[LabelledValue, ...]
    level_label: str
    facilities: tuple[FacilityLine, ...]
    facilities_rate: str
    indicators: tuple[IndicatorLine, ...]
    fund: FundSummary
    cases: tuple[CaseLine, ...]
    cases_total: int
    reexam: tuple[LabelledValue, ...] = ()
    zombie_flags: tuple[str, ...] = ()
    status_note: str = ""
    bureau_logo: bytes = b""
    """PNG/JPEG printed beside the bureau's name (设置 → 单位信息); b"" for none."""


# ---------------------------------------------------------------------------------------------
# Summary tables (汇总表): one generic shape for every summary, printed and exported alike
# ---------------------------------------------------------------------------------------------

ColumnKind = Literal["text", "int", "change", "money", "wan", "rate", "date", "datetime"]
"""How a column's values are typed and shown:
text  str, left-aligned;            int   int, right-aligned, thousands separators;
change int, a difference: "+3", "-2", "持平" for 0;
money int fen, shown in 元 "1,234.50"; wan  int fen, shown in 万元 "12.35";
rate  Fraction | None, "93.8%" ("—" when None); date  date | None, "2026-03-01";
datetime  datetime (local, naive) | None, "2026-12-02 20:10:37".
"""

Cell = str | int | Fraction | date | None


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: ColumnKind = "text"
    width: float = 1.0
    """Relative width; the renderer shares the page width out in proportion."""


@dataclass(frozen=True, slots=True)
class HeaderGroup:
    """A title spanning `span` consecutive columns above their own titles ("进商场" over 省级/市级/普通)."""

    title: str
    span: int


@dataclass(frozen=True)
class TableReport:
    """A titled table with optional grouped headers, a totals row and closing paragraphs."""

    title: str
    subtitle: str
    bureau_name: str
    printed_on: date
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]
    total: tuple[Cell, ...] | None = None
    header_groups: tuple[HeaderGroup, ...] = ()
    paragraphs: tuple[str, ...] = ()
    landscape: bool = False
    sheet_name: str = "汇总"
    notes: tuple[str, ...] = field(default=())
    bureau_logo: bytes = b""
    """PNG/JPEG printed beside the bureau's name (设置 → 单位信息); b"" for none."""
    charts: tuple[Chart, ...] = ()
    """Printed after the table and its notes, each full width (the .xlsx leaves them out)."""


# ---------------------------------------------------------------------------------------------
# Charts (统计图): one shape drawn on screen (Qt Charts) and in print (ReportLab) alike
# ---------------------------------------------------------------------------------------------

ChartKind = Literal["line", "bar", "stacked_bar", "heatmap"]
"""line         one point per category per series (cases per month);
bar          bars side by side per category (a rate per county), optional reference lines;
stacked_bar  the series stacked per category (stations per county, by level);
heatmap      a table: `categories` are its rows, each series one column, a cell shaded by its value.
"""


@dataclass(frozen=True, slots=True)
class Series:
    """One named line, bar colour or heat-map column; one value per category, None for no data
    (a rate with nothing to count is not 0 %)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class ReferenceLine:
    """A horizontal bar across the chart (the standard's threshold), in the chart's unit."""

    label: str
    value: float


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart's data and captions, computed by the services; each renderer only draws it.

    `unit` is the value axis' unit ("件", "个", "%"; rates are given in percent, 0-100).
    `highlights` are category positions to mark (the 3·15 and 双11 months).
    """

    key: str
    title: str
    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    references: tuple[ReferenceLine, ...] = ()
    highlights: tuple[int, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"{self.key}: series {series.name!r} has {len(series.values)} values for "
                    f"{len(self.categories)} categories"
                )
