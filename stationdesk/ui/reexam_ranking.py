"""红黑榜: a round's ranking — the red and black lists side by side, the overall and per-county
order, and the tie rule stated where people read it."""


from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QSettings,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.indicators import Indicator
from stationdesk.domain.reexam_rules import TIE_RULE
from stationdesk.services.reexam import Ranking, ReexamRow
from stationdesk.ui.list_model import ListColumn, ListModel, list_table
from stationdesk.ui.reexam_columns import OUTCOME_COLOURS, ColouredListModel, level_text, rate_text
from stationdesk.ui.score_grid import points_text

TAB_KEY, HEADER_KEY, SPLITTER_KEY = "reexam/tab", "reexam/results_header", "reexam/ranking_splitter"

@dataclass(frozen=True)
class Placed:
    """A ranked row and its place (None: not scored on site, so not ranked yet)."""

    place: int | None
    row: ReexamRow


def placed(ranked: list[ReexamRow]) -> list[Placed]:
    scored = [r for r in ranked if r.total is not None]
    return [Placed(number, row) for number, row in enumerate(scored, start=1)] + [
        Placed(None, r) for r in ranked if r.total is None
    ]


def ranking_columns(full: bool) -> list[ListColumn[Placed]]:
    """The 红黑榜's short columns, or the overall ranking's (with code, level and conclusion)."""
    success = Indicator.MEDIATION_SUCCESS
    place = ListColumn[Placed]("名次", 44, lambda p: str(p.place or "—"), lambda p: p.place, numeric=True)
    name = ListColumn[Placed]("站点名称" if full else "站点", 230, lambda p: p.row.name)
    rest = [
        ListColumn[Placed]("县区", 62, lambda p: p.row.county),
        *([ListColumn[Placed]("级别", 70, lambda p: level_text(p.row.level))] if full else []),
        ListColumn[Placed]("总分", 50, lambda p: points_text(p.row.total, "未评分"), lambda p: p.row.total,
                           numeric=True),
        ListColumn[Placed]("调解成功率", 126, lambda p: rate_text(p.row, success),
                           lambda p: p.row.figures.rate(success).fraction),
        ListColumn[Placed]("受理", 46, lambda p: str(p.row.figures.received), lambda p: p.row.figures.received,
                           numeric=True),
    ]  # fmt: skip
    if not full:
        return [place, name, *rest]
    code = ListColumn[Placed]("站点编号", 96, lambda p: p.row.code)
    return [place, code, name, *rest, ListColumn[Placed]("复核结论", 70, lambda p: p.row.outcome_text)]


class RankingTab(QWidget):
    """红黑榜 side by side over the whole ranking, which can be narrowed to one county."""

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self._ranking: Ranking | None = None
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.red_model: ListModel[Placed] = ListModel(ranking_columns(full=False))
        self.black_model: ListModel[Placed] = ListModel(ranking_columns(full=False))
        self.overall_model = ColouredListModel(ranking_columns(full=True),
                                               {"复核结论": lambda p: OUTCOME_COLOURS.get(p.row.decided or "")}, {})
        self.red_box, self.black_box = QGroupBox("红榜"), QGroupBox("黑榜")
        lists = QWidget()
        sides = QHBoxLayout(lists)
        sides.setContentsMargins(0, 0, 0, 0)
        for box, model, colour in ((self.red_box, self.red_model, "#b3261e"),
                                   (self.black_box, self.black_model, "#222")):  # fmt: skip
            box.setStyleSheet(f"QGroupBox {{ font-weight: bold; color: {colour}; }}")
            QVBoxLayout(box).addWidget(list_table(model))
            sides.addWidget(box)
        self.county = QComboBox()
        self.county.addItem("全部县区", None)
        self.county.currentIndexChanged.connect(self._show_overall)
        self.overall_label = QLabel("总排名")
        overall = QWidget()
        below = QVBoxLayout(overall)
        below.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.overall_label)
        bar.addStretch(1)
        bar.addWidget(self.county)
        below.addLayout(bar)
        below.addWidget(list_table(self.overall_model), 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(lists)
        self.splitter.addWidget(overall)
        state = settings.value(SPLITTER_KEY)
        if state is not None:
            self.splitter.restoreState(state)  # type: ignore[arg-type]
        else:
            self.splitter.setSizes([175, 500])  # three rows each, the rest for the whole ranking
        self.splitter.splitterMoved.connect(lambda *_a: settings.setValue(SPLITTER_KEY, self.splitter.saveState()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule)
        layout.addWidget(self.splitter, 1)

    def show_ranking(self, ranking: Ranking | None) -> None:
        self._ranking = ranking
        size = ranking.size if ranking else 0
        scored = sum(1 for r in ranking.overall if r.total is not None) if ranking else 0
        places = {p.row.id: p for p in placed(ranking.overall)} if ranking else {}
        self.red_model.set_rows([places[r.id] for r in ranking.red] if ranking else [])
        self.black_model.set_rows([places[r.id] for r in ranking.black] if ranking else [])
        self.red_box.setTitle(f"红榜（总分前 {size} 名）")
        self.black_box.setTitle(f"黑榜（总分后 {size} 名）")
        shortage = "" if scored >= 2 * size else f"已现场评分的站点只有 {scored} 个，红黑榜各需 {size} 个以上。"
        self.rule.setText(f"按总分排名，红黑榜各取 {size} 名，只计已现场评分的站点。{TIE_RULE}。{shortage}")
        chosen = self.county.currentData()
        self.county.blockSignals(True)
        self.county.clear()
        self.county.addItem("全部县区", None)
        for county in sorted(ranking.by_county) if ranking else []:
            self.county.addItem(county, county)
        self.county.setCurrentIndex(max(0, self.county.findData(chosen)))
        self.county.blockSignals(False)
        self._show_overall()

    def _show_overall(self) -> None:
        county = self.county.currentData()
        ranking = self._ranking
        rows = (ranking.by_county.get(county, []) if county else ranking.overall) if ranking else []
        self.overall_model.set_rows(placed(rows))
        self.overall_label.setText(f"{county}排名（{len(rows)} 个站点）" if county else f"总排名（{len(rows)} 个站点）")
