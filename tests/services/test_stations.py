"""Station use cases: add, edit, conflicts, status changes, duplicates — on a real SQLite file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy import select

from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.domain.station_rules import StationDraft
from stationdesk.domain.vocabulary import StationLevel, StationStatus
from stationdesk.errors import UserError
from stationdesk.services import jurisdictions, stations
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog, Category, Station

TODAY = date(2026, 11, 24)
VALID_CODE = "91350100M000100Y43"


@dataclass(frozen=True)
class Place:
    county_id: int
    street_id: int
    office_id: int
    category_id: int
    other_county_id: int


@pytest.fixture
def place(db: Database) -> Place:
    county = jurisdictions.add_county(db, "320402", "天宁区", "王芳", city="常州市")
    other = jurisdictions.add_county(db, "320404", "钟楼区", "王芳", city="常州市")
    street = jurisdictions.add_street(db, county, "红梅街道", "王芳")
    office = jurisdictions.add_office(db, county, "天宁区市场监督管理局红梅市场监管所", "王芳", "红梅所")
    with db.reading() as s:
        category = s.scalar(select(Category.id).where(Category.code == "supermarket"))
    assert category is not None
    return Place(county, street, office, category, other)


def _draft(place: Place, **changes: object) -> StationDraft:
    base = StationDraft(
        code="3204020001", name="红梅超市消费维权服务站", category_id=place.category_id,
        host_name="常州红梅超市有限公司", host_credit_code=VALID_CODE, address="天宁区红梅路1号",
        county_id=place.county_id, street_id=place.street_id, office_id=place.office_id,
        contact_person="李明", contact_phone="0519-88881234", established_on=date(2019, 3, 15),
        plaque_on=date(2019, 4, 1))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_valid_station_is_added_with_a_history_row_and_an_audit_row(db: Database, place: Place) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    detail = stations.get_station(db, saved.id)
    assert detail.status == StationStatus.ACTIVE.value
    assert detail.created_by == detail.updated_by == "王芳"
    assert detail.county_name == "天宁区"
    history = stations.station_history(db, saved.id)
    assert [(h.kind, h.person) for h in history] == [("created", "王芳")]
    with db.reading() as s:
        inserted = select(AuditLog.username).where(AuditLog.table_name == "station", AuditLog.row_id == saved.id)
        assert s.scalar(inserted) == "王芳"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"host_credit_code": VALID_CODE[:17] + "X"}, "host_credit_code", "校验位"),
        ({"host_credit_code": VALID_CODE[:17]}, "host_credit_code", "18位"),
        ({"contact_phone": "0519-8888abcd"}, "contact_phone", "非数字"),
        ({"established_on": date(2027, 1, 1)}, "established_on", "不能晚于今天"),
        ({"plaque_on": date(2018, 1, 1)}, "plaque_on", "不能早于建站日期"),
        ({"name": ""}, "name", "必填"),
        ({"category_id": None}, "category_id", "必填"),
        ({"name": "站" * 500}, "name", "不能超过100个字"),
        ({"name": "红梅超市😀服务站"}, "name", "表情"),
        ({"code": "3204020001!"}, "code", "数字、字母"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(
    db: Database, place: Place, changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(stations.ValidationFailed) as caught:
        stations.create_station(db, _draft(place, **changes), "王芳", TODAY)
    assert field in caught.value.problems
    assert words in caught.value.problems[field]
    with db.reading() as s:
        assert s.scalar(select(Station.id)) is None


def test_full_width_digits_are_folded_not_refused(db: Database, place: Place) -> None:
    saved = stations.create_station(
        db, _draft(place, contact_phone="０５１９－８８８８１２３４", host_credit_code=" 91350100m000100y43 "),
        "王芳", TODAY)
    detail = stations.get_station(db, saved.id)
    assert detail.draft.contact_phone == "0519-88881234"
    assert detail.draft.host_credit_code == VALID_CODE


def test_a_street_of_another_county_is_refused(db: Database, place: Place) -> None:
    with pytest.raises(stations.ValidationFailed) as caught:
        stations.create_station(db, _draft(place, county_id=place.other_county_id), "王芳", TODAY)
    assert "不属于该县区" in caught.value.problems["street_id"]


def test_the_same_code_twice_is_refused(db: Database, place: Place) -> None:
    stations.create_station(db, _draft(place), "王芳", TODAY)
    with pytest.raises(stations.ValidationFailed) as caught:
        stations.create_station(db, _draft(place, name="另一个站"), "王芳", TODAY)
    assert "已被" in caught.value.problems["code"]


def test_next_code_follows_the_county_sequence(db: Database, place: Place) -> None:
    assert stations.next_station_code(db, place.county_id) == "3204020001"
    stations.create_station(db, _draft(place), "王芳", TODAY)
    assert stations.next_station_code(db, place.county_id) == "3204020002"
    assert stations.next_station_code(db, place.other_county_id) == "3204040001"


def test_duplicates_by_credit_code_and_category_or_by_name_and_address(db: Database, place: Place) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    same_host = _draft(place, code="3204020002", name="别的名字")
    assert [(d.id, d.why) for d in stations.find_duplicates(db, same_host)] == [
        (saved.id, "统一社会信用代码和类别相同")]
    same_place = _draft(place, code="3204020003", host_credit_code="", name="红梅超市消费维权服务站",
                        address=" 天宁区红梅路１号 ")
    assert [d.why for d in stations.find_duplicates(db, same_place)] == ["站点名称和地址相同"]
    assert stations.find_duplicates(db, _draft(place), exclude_id=saved.id) == []


def test_an_edit_is_saved_and_audited_with_old_and_new(db: Database, place: Place) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    result = stations.update_station(db, saved.id, _draft(place, contact_person="张伟"), saved.version, "陈志强",
                                     TODAY)
    assert result.version == saved.version + 1
    detail = stations.get_station(db, saved.id)
    assert detail.draft.contact_person == "张伟"
    assert detail.updated_by == "陈志强" and detail.created_by == "王芳"
    with db.reading() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    assert row.old_values == {"contact_person": "李明"} and row.new_values == {"contact_person": "张伟"}


def test_a_concurrent_edit_is_refused_and_carries_their_version(db: Database, place: Place) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    stations.update_station(db, saved.id, _draft(place, contact_person="张伟"), saved.version, "陈志强", TODAY)
    with pytest.raises(stations.StationConflict) as caught:
        stations.update_station(db, saved.id, _draft(place, address="新地址"), saved.version, "王芳", TODAY)
    assert caught.value.theirs.draft.contact_person == "张伟"
    assert stations.get_station(db, saved.id).draft.address == "天宁区红梅路1号"


def test_status_change_keeps_the_row_and_writes_history(db: Database, place: Place) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    stations.change_station_status(db, saved.id, StationAction.REMOVE, reason="依托单位已停业",
                                   effective_on=date(2026, 10, 1), actor="陈志强", today=TODAY, document_no="常天市监〔2026〕8号")
    detail = stations.get_station(db, saved.id)
    assert detail.status == StationStatus.REMOVED.value
    assert detail.status_reason == "依托单位已停业"
    entry = stations.station_history(db, saved.id)[0]
    assert (entry.kind, entry.old_value, entry.new_value, entry.person, entry.document_no) == (
        "status", "active", "removed", "陈志强", "常天市监〔2026〕8号")


def test_level_changes_step_one_level_at_a_time(db: Database, place: Place) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    for expected in (StationLevel.MUNICIPAL, StationLevel.PROVINCIAL):
        stations.change_station_status(db, saved.id, StationAction.UPGRADE, reason="复核优秀",
                                       effective_on=TODAY, actor="王芳", today=TODAY)
        assert stations.get_station(db, saved.id).draft.level == expected.value
    with pytest.raises(UserError, match="最高级别"):
        stations.change_station_status(db, saved.id, StationAction.UPGRADE, reason="再升",
                                       effective_on=TODAY, actor="王芳", today=TODAY)


@pytest.mark.parametrize(("reason", "day", "field"), [("", TODAY, "reason"), ("撤销", date(2030, 1, 1), "effective_on"),
                                                      ("撤销", date(2010, 1, 1), "effective_on"),
                                                      ("撤销", None, "effective_on")])
def test_a_change_needs_a_reason_and_a_sensible_date(db: Database, place: Place, reason: str,
                                                     day: date | None, field: str) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    with pytest.raises(stations.ValidationFailed) as caught:
        stations.change_station_status(db, saved.id, StationAction.REMOVE, reason=reason, effective_on=day,
                                       actor="王芳", today=TODAY)
    assert field in caught.value.problems
    assert stations.get_station(db, saved.id).status == StationStatus.ACTIVE.value


def test_the_hosts_status_is_kept_and_its_change_reads_in_chinese(db: Database, place: Place) -> None:
    saved = stations.create_station(db, _draft(place), "王芳", TODAY)
    assert stations.get_station(db, saved.id).draft.host_status == "normal"
    stations.update_station(db, saved.id, _draft(place, host_status="abnormal", form="liaison"), saved.version,
                            "李明", TODAY)  # fmt: skip
    assert stations.get_station(db, saved.id).draft.host_status == "abnormal"
    edit = next(e for e in stations.station_timeline(db, saved.id) if e.kind == "修改资料")
    assert "依托单位状态：正常 → 经营异常" in edit.change
    assert "形式：消费维权服务站 → 12315联络站" in edit.change


def test_an_unknown_host_status_is_refused(db: Database, place: Place) -> None:
    with pytest.raises(stations.ValidationFailed) as refused:
        stations.create_station(db, _draft(place, host_status="bankrupt"), "王芳", TODAY)
    assert "依托单位状态" in refused.value.problems["host_status"]
