"""The audit trail's canonical text and chain hash (a permanent format) and its vocabulary."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.audit_trail import (
    ACTION_GROUPS,
    GENESIS,
    TABLE_LABELS,
    action_label,
    canonical_json,
    canonical_row,
    row_hash,
    row_prefix,
    table_label,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
values = st.dictionaries(st.text(max_size=8), json_values, max_size=6)
ids = st.none() | st.integers(min_value=0, max_value=2**40)


@given(at=st.datetimes(), user=st.text(), action=st.text(), table=st.text(), row_id=ids, station_id=ids,
       old=values, new=values)  # fmt: skip
def test_the_row_text_built_from_parts_is_the_canonical_json_of_the_whole_row(
    at: datetime, user: str, action: str, table: str, row_id: int | None, station_id: int | None,
    old: dict[str, Any], new: dict[str, Any],
) -> None:  # fmt: skip
    whole = canonical_json([at.isoformat(), user, action, table, row_id, station_id, old, new])
    parts = canonical_row(row_prefix(at, user, action, table), row_id, station_id, canonical_json(old),
                          canonical_json(new))  # fmt: skip
    assert parts == whole


@given(old=values, new=values)
def test_the_hash_does_not_depend_on_key_order_and_survives_a_json_round_trip(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    at = datetime(2026, 12, 2, 8, 30, 5)
    first = row_hash("abc", at, "王芳", "update", "station", 1, 1, old, new)
    reordered = dict(reversed(list(new.items())))
    round_trip = json.loads(json.dumps(new))
    assert row_hash("abc", at, "王芳", "update", "station", 1, 1, old, reordered) == first
    assert row_hash("abc", at, "王芳", "update", "station", 1, 1, old, round_trip) == first


def test_the_format_is_fixed() -> None:
    """Rows already stored are verified against this format: it must never change."""
    at = datetime(2026, 12, 2, 8, 30, 5)
    text = '["2026-12-02T08:30:05","王芳","update","station",4,4,{"contact_phone":"138"},{"contact_phone":"139"}]'
    assert row_hash(GENESIS, at, "王芳", "update", "station", 4, 4, {"contact_phone": "138"},
                    {"contact_phone": "139"}) == hashlib.sha256(text.encode()).hexdigest()  # fmt: skip


def test_each_change_of_any_value_changes_the_hash() -> None:
    at = datetime(2026, 12, 2, 8, 30, 5)
    base = ("h", at, "王芳", "update", "station", 4, 4, {"a": 1}, {"a": 2})
    variants = [
        ("g", *base[1:]), (base[0], datetime(2026, 12, 2, 8, 30, 6), *base[2:]), (*base[:2], "李明", *base[3:]),
        (*base[:3], "insert", *base[4:]), (*base[:4], "case", *base[5:]), (*base[:5], 5, *base[6:]),
        (*base[:6], None, *base[7:]), (*base[:7], {"a": 0}, base[8]), (*base[:8], {"a": "2"}),
    ]  # fmt: skip
    hashes = {row_hash(*v) for v in variants}  # type: ignore[arg-type]
    assert len(hashes) == len(variants) and row_hash(*base) not in hashes  # type: ignore[arg-type]


def test_actions_and_tables_read_in_chinese_and_unknown_codes_as_themselves() -> None:
    assert action_label("station", "update") == "修改"
    assert action_label("station", "remove") == "撤销"
    assert action_label("zombie_decision", "remove") == "清除"
    assert action_label("station", "future") == "future"
    assert table_label("mediation_case") == "调解记录" and table_label("x") == "x"
    assert [g.label for g in ACTION_GROUPS][:3] == ["新增", "修改", "状态变更"]
    assert all(label and "_" not in label for label in TABLE_LABELS.values())
