"""The register half of the sample data: counties, streets, offices, hosts and stations.

Builds plain tuples (no ORM objects) plus one `Plan` per station that tells the activity
generator how busy the station is, when it was running and what it is complained about.

Who-columns (谁录入谁负责): each county has a small pool of bureau staff (3–6 people); the one
responsible for a station's street/town office enters that station and its records (its
`clerk`), the first of the pool (消保科) records level and status decisions. The jurisdiction
rows (counties, streets, offices) are reference data and carry the caller's `actor`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from random import Random
from typing import Any

from stationdesk.domain.credit_code import make_credit_code, registration_number_check_digit
from stationdesk.domain.standards import DEFAULT_FACILITIES
from stationdesk.domain.vocabulary import (
    FundEntryKind,
    HistoryKind,
    HostStatus,
    StationForm,
    StationLevel,
    StationStatus,
)
from stationdesk.services import sample_words as W
from stationdesk.services.sample_clock import Clock

# The checklist codes of the standard, so sample stations tick the same boxes the form shows.
FACILITY_KEYS = tuple(item.code for item in DEFAULT_FACILITIES if item.code not in ("computer", "payout_fund"))
CATEGORY_MIX = {
    "mall": 14,
    "supermarket": 17,
    "market": 20,
    "enterprise": 30,
    "scenic": 5,
    "platform": 3,
    "association": 6,
    "chamber": 5,
}
# How many complaints a station of the category draws, relative to the others.
ACTIVITY = {
    "mall": 3.0,
    "supermarket": 2.0,
    "market": 1.2,
    "enterprise": 0.8,
    "scenic": 1.4,
    "platform": 3.5,
    "association": 0.5,
    "chamber": 0.35,
}
SOCIAL = frozenset({"association", "chamber"})  # registered with 民政: credit code starts with 5
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
REMOVED, SUSPENDED, RECTIFYING = 0.04, 0.02, 0.01
QUIET = 0.085  # share of running stations that have gone quiet (僵尸站点 for the app to find)


class Plan:
    """What the activity generator needs to know about one station."""

    __slots__ = (
        "category",
        "clerk",
        "code",
        "contact",
        "county",
        "fund",
        "goods",
        "hi",
        "host",
        "id",
        "lo",
        "operators",
        "scheme",
        "scheme_from",
        "self_rate",
        "success",
        "weight",
    )

    def __init__(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self, key, value)


@dataclass
class Register:
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)
    staff: list[tuple[str, ...]] = field(default_factory=list)  # bureau staff names per county (3–6)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)


def person(rng: Random) -> str:
    surname = rng.choices(W.SURNAMES, W.SURNAME_WEIGHTS)[0]
    given = rng.choice(W.GIVEN) + (rng.choice(W.GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def staff_pool(rng: Random, taken: set[str]) -> tuple[str, ...]:
    """3–6 distinct names (2–3 characters) for one county bureau's staff, none used in another county."""
    names: list[str] = []
    want = rng.randint(3, 6)
    while len(names) < want:
        name = person(rng)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return tuple(names)


def mobile(rng: Random) -> str:
    return f"{rng.choice(W.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def landline(rng: Random, area: str) -> str:
    return f"{area}-{rng.choice('568')}{rng.randrange(10**7):07d}"


def org_code(rng: Random) -> str:
    """A 9-character 组织机构代码 (GB 11714) with its check character."""
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choices(ORG_ALPHABET, k=6))
    else:
        body = f"{rng.randrange(10**7, 10**8)}"
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def host_identifier(rng: Random, county_code: str, social: bool) -> str:
    """An 18-character credit code, or (3 % of companies) a legacy 15-digit 注册号."""
    if not social and rng.random() < 0.03:
        first14 = f"{county_code}{rng.randrange(10**8):08d}"
        return first14 + registration_number_check_digit(first14)
    return make_credit_code(("51" if social else "91") + county_code + org_code(rng))


def allocate(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` that add up to exactly `total` (cumulative rounding)."""
    whole = sum(weights) or 1.0
    out, acc, given = [], 0.0, 0
    for w in weights:
        acc += w * total / whole
        n = round(acc) - given
        out.append(n)
        given += n
    return out


def make_streets(rng: Random, county_code: str, county_name: str) -> list[str]:
    known = W.KNOWN_STREETS.get(county_code)
    if known:
        return known.split()
    urban = county_name.endswith("区")
    names = []
    for stem in rng.sample(W.PLACE_STEMS, rng.randint(7, 12)):
        names.append(stem + ("街道" if rng.random() < (0.7 if urban else 0.35) else "镇"))
    return names


def street_stem(street: str) -> str:
    return street.removesuffix("街道").removesuffix("镇") or street


def _host(
    rng: Random, cat: str, county: str, town: str, city_short: str
) -> tuple[str, tuple[str, ...], list[str], str]:
    """(host name, goods it is complained about, operators complained about, notes)."""
    brand, place = rng.choice(W.BRANDS), rng.choice(W.PLACE_STEMS)
    notes = ""
    if cat == "mall":
        name = f"{brand if rng.random() < 0.7 else town}{rng.choice(W.MALL_SUFFIXES)}"
        ops = [name, name] + [
            f"{rng.choice(W.BRANDS)}{rng.choice(W.TENANT_KINDS)}" for _ in range(rng.randint(4, 10))
        ]
        goods = W.MALL_GOODS
    elif cat == "supermarket":
        name = (
            f"{brand}超市{town}店"
            if rng.random() < 0.6
            else f"{brand}{rng.choice(('超市', '生活超市', '购物广场'))}"
        )
        ops = [name] * 4 + [f"{rng.choice(W.BRANDS)}{rng.choice(W.TENANT_KINDS)}" for _ in range(2)]
        goods = W.SUPERMARKET_GOODS
    elif cat == "market":
        name = f"{town if rng.random() < 0.6 else place}{rng.choice(W.MARKET_SUFFIXES)}"
        ops = [f"{rng.choice(W.SURNAMES)}记{rng.choice(W.STALL_KINDS)}" for _ in range(rng.randint(5, 12))]
        goods = W.MARKET_GOODS
    elif cat == "enterprise":
        suffix, goods, _w = rng.choices(W.ENTERPRISES, [e[2] for e in W.ENTERPRISES])[0]
        name = f"{city_short}{brand}{suffix}"
        ops = [name]
    elif cat == "scenic":
        name = f"{place}{rng.choice(W.SCENIC_SUFFIXES)}"
        notes = rng.choice(W.SCENIC_GRADES)
        ops = [name] * 3 + [f"{brand}旅行社", f"{place}{rng.choice(W.BRANDS)}饭店"]
        goods = W.SCENIC_GOODS
    elif cat == "platform":
        name = f"{city_short}{brand}{rng.choice(W.PLATFORM_SUFFIXES)}"
        ops = [f"{rng.choice(W.BRANDS)}{rng.choice(W.TENANT_KINDS)}旗舰店" for _ in range(rng.randint(5, 12))]
        goods = W.PLATFORM_GOODS
    elif cat == "association":
        trade, goods, shop = rng.choice(W.TRADES)
        name = f"{county}{trade}行业协会"
        ops = [f"{rng.choice(W.BRANDS)}{shop}" for _ in range(rng.randint(4, 10))]
    else:
        stem = rng.choice(W.CHAMBER_STEMS)
        name = f"{county}{stem}商会"
        ops = [f"{rng.choice(W.BRANDS)}商行" for _ in range(rng.randint(4, 8))]
        goods = ("日用百货", "家用电器", "服装鞋帽", "装修建材")
    return name, tuple(goods), ops, notes


def _document_no(rng: Random, issuer: str, year: int) -> str:
    return f"{issuer}〔{year}〕{rng.randint(3, 160)}号"


def build_register(
    rng: Random,
    clock: Clock,
    counties: list[tuple[W.City, str, str]],
    n_stations: int,
    category_ids: dict[str, int],
    ids: dict[str, int],
    existing: dict[tuple[str, Any, str], int],
    actor: str,
) -> Register:
    """Geography, stations and their history, fund deposits and site checks.

    `ids` holds the last id used per table and is advanced; `existing` maps
    ("county", None, code) / ("street" | "office", county_id, name) to ids already in the database.
    Jurisdiction rows are entered by `actor`, everything else by the county's staff.
    """
    reg = Register()
    today, t0 = clock.today, clock.t(clock.today - 3700, 0)
    tail0 = (t0, actor, t0, actor)
    taken: set[str] = set()
    cats = [c for c in CATEGORY_MIX if c in category_ids]
    per_county = allocate(n_stations, [rng.uniform(0.6, 1.5) for _ in counties])
    for ci, ((city, ccode, cname), count) in enumerate(zip(counties, per_county, strict=True)):
        county_id = existing.get(("county", None, ccode))
        if county_id is None:
            county_id = ids["county"] = ids["county"] + 1
            reg.add("county", (county_id, ccode, cname, city.name, ci + 1, *tail0))
        bureau = f"{cname}市场监督管理局"
        offices: list[int] = []
        towns = make_streets(rng, ccode, cname)
        street_ids: list[int] = []
        for si, town in enumerate(towns):
            sid = existing.get(("street", county_id, town))
            if sid is None:
                sid = ids["street"] = ids["street"] + 1
                reg.add("street", (sid, county_id, town, si + 1, *tail0))
            street_ids.append(sid)
            oname = f"{bureau}{street_stem(town)}市场监管所"
            oid = existing.get(("office", county_id, oname))
            if oid is None:
                oid = ids["office"] = ids["office"] + 1
                reg.add("office", (oid, county_id, oname, f"{street_stem(town)}所", *tail0))
            offices.append(oid)
        bureau_id = existing.get(("office", county_id, bureau))
        if bureau_id is None:
            bureau_id = ids["office"] = ids["office"] + 1
            reg.add("office", (bureau_id, county_id, bureau, f"{cname.removesuffix('区')}局", *tail0))
        staff = staff_pool(rng, taken)
        reg.staff.append(staff)
        city_short = cname.removesuffix("市") if cname.endswith("市") else city.name.removesuffix("市")
        issuer = f"{city.name[0]}{cname[0]}市监"
        street_weights = [1.0 / (1 + 0.25 * i) for i in range(len(towns))]
        used: set[str] = set()
        seq = 0
        successor_of: tuple[Any, ...] | None = None
        while seq < count:
            seq += 1
            st = _Station(
                rng, clock, cats, towns, street_weights, cname, city_short, ccode, successor_of, used
            )
            successor_of = None
            sid = ids["station"] = ids["station"] + 1
            code = f"{ccode}{seq:04d}"
            street_id, office_id = street_ids[st.town], offices[st.town]
            clerk = staff[1 + st.town % (len(staff) - 1)]  # the staff member looking after that 所
            if st.cat in SOCIAL or rng.random() < 0.06:
                office_id, clerk = bureau_id, staff[0]
            _station_rows(
                reg,
                rng,
                clock,
                st,
                sid,
                code,
                (county_id, street_id, office_id),
                city,
                cname,
                issuer,
                category_ids,
                (clerk, staff[0]),
            )
            if st.status == StationStatus.REMOVED and rng.random() < 0.3 and st.changed < today - 60:
                successor_of = (sid, st.host, st.town, st.ops, st.goods, st.cat, st.credit, st.changed)
            reg.plans.append(
                Plan(
                    id=sid,
                    code=code,
                    category=st.cat,
                    county=ci,
                    host=st.host,
                    lo=max(clock.start, st.plaque + 3),
                    hi=st.active_until,
                    weight=st.weight,
                    self_rate=st.self_rate,
                    success=st.success,
                    operators=st.ops,
                    goods=st.goods,
                    scheme=st.scheme,
                    fund=st.fund,
                    scheme_from=st.scheme_from,
                    contact=st.contact,
                    clerk=clerk,
                )
            )
            _site_checks(reg, rng, clock, st, sid, staff)
    return reg


class _Station:
    """One station's drawn attributes (before they become rows)."""

    def __init__(
        self,
        rng: Random,
        clock: Clock,
        cats: list[str],
        towns: list[str],
        street_weights: list[float],
        cname: str,
        city_short: str,
        ccode: str,
        successor_of: Any,
        used: set[str],
    ) -> None:
        today = clock.today
        self.town = rng.choices(range(len(towns)), street_weights)[0]
        town = street_stem(towns[self.town])
        self.predecessor = None
        if successor_of is not None:  # 升级换代: a removed station rebuilt at the same host
            self.predecessor, self.host, self.town, self.ops, self.goods, self.cat, self.credit, removed = (
                successor_of
            )
            self.notes = "原站点升级重建"
            self.est = min(today - 5, removed + rng.randint(10, 90))
        else:
            self.cat = rng.choices(cats, [CATEGORY_MIX[c] for c in cats])[0]
            self.host, self.goods, self.ops, self.notes = _host(rng, self.cat, cname, town, city_short)
            if self.host in used and self.cat in SOCIAL:
                self.cat = "enterprise"
                self.host, self.goods, self.ops, self.notes = _host(
                    rng, "enterprise", cname, town, city_short
                )
            self.credit = host_identifier(rng, ccode, self.cat in SOCIAL)
            self.est = today - 20 - int(3630 * rng.random() ** 0.85)
        used.add(self.host)
        self.plaque = min(today, self.est + rng.randint(0, 75))
        r = rng.random()
        self.status, self.changed, self.reason = StationStatus.ACTIVE, None, ""
        age = today - self.est
        if self.predecessor is None and r < REMOVED and age > 400:
            self.status = StationStatus.REMOVED
            self.changed = self.est + 365 + rng.randrange(age - 390)
            year = clock.year[self.changed - clock.base]
            self.reason = rng.choice(W.REMOVAL_REASONS).format(year=year)
        elif r < REMOVED + SUSPENDED and age > 200:
            self.status, self.changed = StationStatus.SUSPENDED, today - rng.randint(20, 400)
            self.reason = rng.choice(W.SUSPENSION_REASONS)
        elif r < REMOVED + SUSPENDED + RECTIFYING and age > 200:
            self.status, self.changed = StationStatus.RECTIFYING, today - rng.randint(10, 120)
            self.reason = "年度复核限期整改"
        running = self.status != StationStatus.REMOVED
        r = rng.random()
        if self.status == StationStatus.REMOVED and rng.random() < 0.4:
            self.host_status = HostStatus.CLOSED
        else:
            self.host_status = (
                HostStatus.ABNORMAL
                if r < 0.025
                else HostStatus.PENALISED
                if r < 0.035
                else HostStatus.CLOSED
                if r < 0.05
                else HostStatus.NORMAL
            )
        eligible = (
            running
            and self.cat not in SOCIAL
            and age > 400
            and self.status == StationStatus.ACTIVE
            and (self.host_status == HostStatus.NORMAL or rng.random() < 0.1)
        )
        r = rng.random()
        self.level = StationLevel.ORDINARY
        self.level_since = None
        if eligible and r < 0.115:
            self.level = StationLevel.PROVINCIAL if r < 0.033 else StationLevel.MUNICIPAL
            self.level_since = self.plaque + 200 + rng.randrange(max(1, today - self.plaque - 260))
        demo = self.level != StationLevel.ORDINARY
        self.quiet = (
            self.status == StationStatus.ACTIVE
            and age > 500
            and rng.random() < (0.02 if demo else QUIET + 0.2 * (self.host_status != HostStatus.NORMAL))
        )
        self.active_until = today
        if self.changed is not None and self.status != StationStatus.RECTIFYING:
            self.active_until = self.changed - rng.randint(
                0, 200 if self.status == StationStatus.REMOVED else 20
            )
        if self.quiet:
            self.active_until = today - rng.randint(395, 910)
        self.scheme = self.level == StationLevel.PROVINCIAL or (
            self.level == StationLevel.MUNICIPAL and rng.random() < 0.5
        )
        self.fund = rng.choice((10_000, 20_000, 30_000, 50_000, 50_000, 100_000)) * 100 if self.scheme else 0
        self.scheme_from = min(today, (self.level_since or today) + rng.randint(0, 30))
        self.weight = ACTIVITY[self.cat] * rng.lognormvariate(0.0, 1.0) * (3.0 if demo else 1.0)
        if self.status == StationStatus.RECTIFYING:
            self.weight *= 0.3
        self.self_rate = 0.97 if demo else min(0.97, max(0.6, rng.gauss(0.85, 0.06)))
        self.success = min(0.98, max(0.55, rng.gauss(0.91 if demo else 0.86, 0.04)))
        self.contact = person(rng)
        keep = 0.97 if demo else 0.5 if (self.quiet or not running) else 0.86
        self.facilities = {k: rng.random() < keep for k in FACILITY_KEYS}
        self.facilities["computer"] = rng.random() < (0.95 if demo else 0.55)
        self.facilities["payout_fund"] = self.scheme
        if self.quiet and rng.random() < 0.3:
            self.notes = "未运行"


def _station_rows(
    reg: Register,
    rng: Random,
    clock: Clock,
    st: _Station,
    sid: int,
    code: str,
    place: tuple[int, int, int],
    city: W.City,
    cname: str,
    issuer: str,
    category_ids: dict[str, int],
    who: tuple[str, str],
) -> None:
    county_id, street_id, office_id = place
    clerk, head = who  # who entered the station; who records level and status decisions
    form = (
        rng.choices((StationForm.BRANCH, StationForm.SERVICE, StationForm.LIAISON), (6, 3, 1))[0]
        if st.cat in SOCIAL
        else rng.choices((StationForm.SERVICE, StationForm.LIAISON, StationForm.BRANCH), (75, 18, 7))[0]
    )
    if st.predecessor is not None:
        form = StationForm.SERVICE
    name = {
        StationForm.SERVICE: f"{st.host}消费维权服务站",
        StationForm.LIAISON: f"{st.host}12315联络站",
        StationForm.BRANCH: f"消协{st.host}分会",
    }[form]
    r = rng.random()
    phone = (
        mobile(rng)
        if r < 0.6
        else landline(rng, city.area_code)
        if r < 0.95
        else f"{landline(rng, city.area_code)}、{mobile(rng)}"
    )
    demo = st.level != StationLevel.ORDINARY
    counsel = ""
    if rng.random() < (0.8 if demo else 0.2):
        counsel = (
            f"{rng.choice(W.COUNSEL_FIRMS)}律师事务所{person(rng)}律师"
            if rng.random() < 0.7
            else f"{cname}人民法院{person(rng)}法官"
        )
    address = f"{cname}{rng.choice(W.PLACE_STEMS)}{rng.choice(W.ROAD_SUFFIXES)}{rng.randint(1, 399)}号"
    updated = st.changed if st.changed is not None else (st.level_since or st.est)
    d, t = clock.d, clock.t
    reg.add(
        "station",
        (
            sid,
            code,
            name,
            category_ids[st.cat],
            form.value,
            st.level.value,
            st.status.value,
            st.host,
            st.credit,
            st.host_status.value,
            address,
            county_id,
            street_id,
            office_id,
            st.contact,
            phone,
            d(st.est),
            d(st.plaque),
            st.scheme,
            st.fund,
            demo or rng.random() < 0.5,
            counsel,
            json.dumps(st.facilities, separators=(",", ":")),
            st.notes,
            st.predecessor,
            d(st.changed) if st.changed is not None else None,
            st.reason,
            t(st.est),
            clerk,
            t(updated),
            clerk if updated == st.est else head,
        ),
    )
    reg.add(
        "status_history",
        (
            sid,
            HistoryKind.CREATED.value,
            "",
            StationStatus.ACTIVE.value,
            d(st.est),
            "建站",
            "",
            clerk,
            t(st.est),
        ),
    )
    if st.level_since is not None:
        steps = [StationLevel.ORDINARY, StationLevel.MUNICIPAL]
        if st.level == StationLevel.PROVINCIAL:
            steps.append(StationLevel.PROVINCIAL)
        for i in range(1, len(steps)):
            on = st.level_since - 365 * (len(steps) - 1 - i)
            on = max(on, st.plaque + 30 * i)
            year = clock.year[on - clock.base]
            doc = _document_no(
                rng, "苏消保" if steps[i] == StationLevel.PROVINCIAL else f"{city.name[0]}市监消", year
            )
            reg.add(
                "status_history",
                (
                    sid,
                    HistoryKind.LEVEL.value,
                    steps[i - 1].value,
                    steps[i].value,
                    d(on),
                    f"评定为{steps[i].label}服务站",
                    doc,
                    head,
                    t(on),
                ),
            )
    if st.changed is not None:
        doc = _document_no(rng, issuer, clock.year[st.changed - clock.base])
        reg.add(
            "status_history",
            (
                sid,
                HistoryKind.STATUS.value,
                StationStatus.ACTIVE.value,
                st.status.value,
                d(st.changed),
                st.reason,
                doc,
                head,
                t(st.changed),
            ),
        )
    if st.scheme:
        stamp = t(st.scheme_from)
        reg.add(
            "fund_entry",
            (
                sid,
                d(st.scheme_from),
                FundEntryKind.DEPOSIT.value,
                st.fund,
                None,
                "先行赔付专项资金存入",
                stamp,
                clerk,
                stamp,
                clerk,
            ),
        )


def _site_checks(
    reg: Register, rng: Random, clock: Clock, st: _Station, sid: int, staff: tuple[str, ...]
) -> None:
    today = clock.today
    if st.status == StationStatus.REMOVED:
        return
    if st.quiet:
        if rng.random() > 0.7:
            return
        first = max(st.active_until + 60, today - 540)
        reachable = rng.random() < 0.35
        findings = rng.choice(W.QUIET_FINDINGS) if not reachable else "站点联系人称近期无投诉"
        seen = {k: v and rng.random() < 0.6 for k, v in st.facilities.items()}
    elif rng.random() < 0.25:
        first, reachable = max(st.plaque + 30, today - 730), rng.random() < 0.97
        findings, seen = rng.choice(W.CHECK_FINDINGS), dict(st.facilities)
    else:
        return
    if first >= today:
        return
    on = first + rng.randrange(today - first)
    method = "on_site" if rng.random() < 0.6 else "phone"
    facilities = json.dumps(seen if method == "on_site" else {}, separators=(",", ":"))
    inspector, stamp = rng.choice(staff), clock.t(on)
    reg.add(
        "site_check",
        (
            sid,
            clock.d(on),
            method,
            inspector,
            reachable,
            facilities,
            findings,
            stamp,
            inspector,
            stamp,
            inspector,
        ),
    )
