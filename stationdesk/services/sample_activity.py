"""The activity half of the sample data: cases, follow-ups, first payouts, fund movements and
consultations, generated station by station as plain tuples.

Why this looks low-level: a province (a million cases) must generate in seconds, so the per-case
loop draws from precomputed pools with one `random()` call per decision, keeps dates as ordinals
and reads every date value, timestamp, working day and due date from the `Clock` tables.

Who-columns: a station's cases, payouts and fund movements are entered by its clerk (a member of
the county bureau's staff); cases sent on to the bureau are closed by the head of the pool;
follow-up calls are made and entered by any of the county's staff.

Code columns (channel, handling, outcome, deadline rule, satisfaction) carry their storage values
(`code_converter`: positions on SQLite), converted once per generator, and the goods category is
the id of its `goods_category` row; the loop compares and appends those values as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from random import Random
from typing import Any

from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, FundEntryKind, Satisfaction
from stationdesk.services import sample_words as W
from stationdesk.services.sample_clock import STAMP_SLOTS, Clock
from stationdesk.services.sample_stations import Plan, mobile, person
from stationdesk.store.models import FollowUp, MediationCase
from stationdesk.store.types import code_converter

CASE_COLUMNS = (
    "id",
    "station_id",
    "platform_ref",
    "received_on",
    "channel",
    "consumer_name",
    "consumer_phone",
    "operator_name",
    "goods_category_id",
    "amount_disputed_fen",
    "handling",
    "outcome",
    "closed_on",
    "amount_recovered_fen",
    "difficult",
    "first_payout",
    "payout_eligible",
    "due_on",
    "deadline_rule",
)
FOLLOW_UP_COLUMNS = ("case_id", "station_id", "visited_on", "visitor", "reached", "satisfaction", "remarks")
PAYOUT_COLUMNS = (
    "id",
    "case_id",
    "station_id",
    "paid_on",
    "amount_fen",
    "paid_by",
    "recovered",
    "recovered_on",
    "recovered_fen",
)
FUND_COLUMNS = ("station_id", "entry_on", "kind", "amount_fen", "payout_id", "memo")
CONSULTATION_COLUMNS = ("station_id", "consulted_on", "topic", "answered_by", "count")

DIFFICULT = 0.05
FIRST_PAYOUT = 0.04  # of successful cases at stations that run the scheme (seeds: 95 of 2,500)
FOLLOW_UP = 0.30
PAYOUT_CAP_FEN = 500_000  # 5,000 yuan per claim
PLATFORM_PREFIX = "JS"  # 12315 work-order numbers: province, received date, daily sequence (15 chars)
# Consultations per month at a station: a base plus some per complaint it receives.
CONSULT_BASE, CONSULT_PER_CASE = 1.5, 2.5
# Working days from receipt to closing for ordinary cases: most within the 7-day limit, ~8 % late.
_CLOSE_DAYS = (
    (0,) * 22
    + (1,) * 20
    + (2,) * 15
    + (3,) * 11
    + (4,) * 8
    + (5,) * 6
    + (6,) * 5
    + (7,) * 5
    + (8, 8, 9, 10, 11, 12, 14, 17)
)


class _Codes:
    """The storage values of the codes the generator writes, for one dialect."""

    def __init__(self, dialect: str) -> None:
        channel = code_converter(MediationCase.channel, dialect)
        handling = code_converter(MediationCase.handling, dialect)
        outcome = code_converter(MediationCase.outcome, dialect)
        mood = code_converter(FollowUp.satisfaction, dialect)
        self.rule = code_converter(MediationCase.deadline_rule, dialect)
        self.on_site, self.phone = channel(CaseChannel.ON_SITE), channel(CaseChannel.PHONE)
        self.platform = channel(CaseChannel.PLATFORM)
        self.by_station, self.transfer = handling(CaseHandling.SELF), handling(CaseHandling.TRANSFERRED)
        self.ok, self.fail = outcome(CaseOutcome.SUCCESS), outcome(CaseOutcome.FAILURE)
        self.withdrawn, self.terminated = outcome(CaseOutcome.WITHDRAWN), outcome(CaseOutcome.TERMINATED)
        self.sent_on = outcome(CaseOutcome.TRANSFERRED)
        self.satisfied, self.basic = mood(Satisfaction.SATISFIED), mood(Satisfaction.BASIC)
        self.unsatisfied = mood(Satisfaction.UNSATISFIED)


class Activity:
    """Accumulates activity rows; `take()` hands them over in insertion-ready lists.

    `goods_ids` maps every goods category name the plans use to its `goods_category` id.
    """

    def __init__(
        self,
        rng: Random,
        clock: Clock,
        staff: list[tuple[str, ...]],
        next_case_id: int,
        next_payout_id: int,
        expected_cases: int,
        *,
        dialect: str,
        goods_ids: Mapping[str, int],
    ) -> None:
        self.rng, self.clock, self.staff = rng, clock, staff
        self.case_id, self.payout_id = next_case_id, next_payout_id
        self.codes = codes = _Codes(dialect)
        # Per goods name: (its goods_category id, typical amount in dispute in fen).
        self.goods = {g: (goods_ids[g], W.GOODS[g] * 100) for g in W.GOODS}
        self.names = [person(rng) for _ in range(4096)]
        # About one phone number per four cases: a few consumers complain more than once.
        self.phones = [mobile(rng) for _ in range(min(1 << 18, max(4096, expected_cases // 4)))]
        self.spread = [rng.lognormvariate(0.0, 0.8) for _ in range(4096)]
        self.due_ordinary, self.due_difficult = (
            [(due_on, codes.rule(rule)) for due_on, rule in table] for table in clock.due_tables()
        )
        # 12315 work orders: "JS" + received date + the platform's sequence number that day (the
        # platform numbers every complaint in the province, most of which never reach a station).
        self.order_prefix = [
            f"{PLATFORM_PREFIX}{date.fromordinal(o):%Y%m%d}" for o in range(clock.start, clock.today + 1)
        ]
        self.order_seq = [rng.randrange(100, 30_000) for _ in self.order_prefix]
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.take()

    def take(self) -> dict[str, list[tuple[Any, ...]]]:
        rows = self.rows
        self.cases: list[tuple[Any, ...]] = []
        self.follow_ups: list[tuple[Any, ...]] = []
        self.payouts: list[tuple[Any, ...]] = []
        self.funds: list[tuple[Any, ...]] = []
        self.consultations: list[tuple[Any, ...]] = []
        self.rows = {
            "mediation_case": self.cases,
            "follow_up": self.follow_ups,
            "first_payout": self.payouts,
            "fund_entry": self.funds,
            "consultation": self.consultations,
        }
        return rows

    def station(self, plan: Plan, n_cases: int) -> None:
        if plan.lo > plan.hi:
            return
        if n_cases:
            self._cases(plan, n_cases)
        self._consultations(plan, n_cases)

    def _cases(self, plan: Plan, n: int) -> None:
        clock, rng = self.clock, self.rng
        rnd, bits = rng.random, rng.getrandbits
        base, today, days, stamps = clock.base, clock.today, clock.day, clock.stamp
        workdays, after, start = clock.workdays, clock.after, clock.start
        due_ordinary, due_difficult = self.due_ordinary, self.due_difficult
        order_prefix, order_seq = self.order_prefix, self.order_seq
        names, phones, n_phones, spread = self.names, self.phones, len(self.phones), self.spread
        ops, n_ops, n_goods = plan.operators, len(plan.operators), len(plan.goods)
        goods = [self.goods[g] for g in plan.goods]  # (goods_category id, median amount)
        codes = self.codes  # storage values as locals, named like the codes they stand for
        ON_SITE, PHONE, PLATFORM = codes.on_site, codes.phone, codes.platform
        SELF, TRANSFER = codes.by_station, codes.transfer
        OK, FAIL, WITHDRAWN = codes.ok, codes.fail, codes.withdrawn
        TERMINATED, SENT_ON = codes.terminated, codes.sent_on
        SATISFIED, BASIC, UNSATISFIED = codes.satisfied, codes.basic, codes.unsatisfied
        staff = self.staff[plan.county]
        n_staff, clerk, head = len(staff), plan.clerk, staff[0]
        sid, self_rate, success = plan.id, plan.self_rate, plan.success
        on_site, phone = (0.3, 0.5) if plan.category == "platform" else (0.58, 0.85)
        recent, n_close = today - 60, len(_CLOSE_DAYS)
        scheme, scheme_from = plan.scheme, plan.scheme_from
        balance, pending = plan.fund, []  # fund balance and later credits (date, amount)
        cases, follow_ups = self.cases, self.follow_ups
        case_id = self.case_id
        for o in clock.sample_days(rnd, plan.lo, plan.hi, n):
            i = o - base
            case_id += 1
            created = stamps[i * STAMP_SLOTS + bits(3)]
            r = rnd()
            if r < on_site:
                channel, ref = ON_SITE, None
            elif r < phone:
                channel, ref = PHONE, None
            else:
                channel = PLATFORM
                order_seq[o - start] += 1 + bits(4)
                ref = f"{order_prefix[o - start]}{order_seq[o - start]:05d}"
            g, median = goods[int(rnd() * n_goods)]
            amount = max(1000, int(median * spread[bits(12)]) // 100 * 100)
            difficult = rnd() < DIFFICULT
            handling = SELF if rnd() < self_rate else TRANSFER
            if difficult:
                r = rnd()
                span = 10 + int(r * 48) if r < 0.9 else 61 + int(r * 40)
                closed = workdays[after[i + span - 1]]
            else:
                k = _CLOSE_DAYS[int(rnd() * n_close)]
                closed = o if k == 0 else workdays[after[i] + k - 1]
            outcome, recovered, paid, eligible = None, 0, False, False
            if closed > today or (o > recent and rnd() < 0.4) or rnd() < 0.0005:
                closed_value, updated, closer = None, created, clerk
            else:
                closed_value = days[closed - base]
                updated = created if closed == o else stamps[(closed - base) * STAMP_SLOTS + bits(3)]
                closer = clerk if handling == SELF else head
                r = rnd()
                if handling == SELF:
                    if r < success:
                        outcome = OK
                    else:
                        r = (r - success) / (1.0 - success)
                        outcome = FAIL if r < 0.45 else WITHDRAWN if r < 0.75 else TERMINATED
                else:
                    outcome = SENT_ON if r < 0.7 else OK if r < 0.9 else FAIL
                if outcome == OK:
                    recovered = amount if rnd() < 0.5 else int(amount * (0.3 + 0.7 * rnd())) // 100 * 100
                    if scheme and o >= scheme_from and not difficult and rnd() < FIRST_PAYOUT:
                        balance, paid, recovered = self._payout(plan, case_id, o, recovered, balance, pending)
                        # A qualifying claim the fund could not cover still counts as eligible.
                        eligible = True
                if rnd() < FOLLOW_UP:
                    visited = workdays[after[closed - base] + int(rnd() * 6)]
                    if visited <= today:
                        who = staff[int(rnd() * n_staff)]
                        at = stamps[(visited - base) * STAMP_SLOTS + bits(3)]
                        if rnd() < 0.85:
                            r = rnd()
                            good = 0.88 if outcome == OK else 0.45
                            mood = (
                                SATISFIED
                                if r < good
                                else BASIC
                                if r < good + (1 - good) * 0.55
                                else UNSATISFIED
                            )
                            follow_ups.append(
                                (case_id, sid, days[visited - base], who, True, mood, "", at, who, at, who)
                            )
                        else:
                            follow_ups.append(
                                (
                                    case_id,
                                    sid,
                                    days[visited - base],
                                    who,
                                    False,
                                    None,
                                    W.UNREACHED_REMARKS[bits(2)],
                                    at,
                                    who,
                                    at,
                                    who,
                                )
                            )
            due_on, rule = due_difficult[o - start] if difficult else due_ordinary[o - start]
            cases.append(
                (
                    case_id,
                    sid,
                    ref,
                    days[i],
                    channel,
                    names[bits(12)],
                    phones[int(rnd() * n_phones)],
                    ops[int(rnd() * n_ops)],
                    g,
                    amount,
                    handling,
                    outcome,
                    closed_value,
                    recovered,
                    difficult,
                    paid,
                    eligible,
                    due_on,
                    rule,
                    created,
                    clerk,
                    updated,
                    closer,
                )
            )
        self.case_id = case_id

    def _payout(
        self, plan: Plan, case_id: int, o: int, wanted: int, balance: int, pending: list[tuple[int, int]]
    ) -> tuple[int, bool, int]:
        """A first payout on the day of receipt, never more than the fund holds that day."""
        for item in [p for p in pending if p[0] <= o]:
            balance += item[1]
            pending.remove(item)
        pay = min(wanted, PAYOUT_CAP_FEN, balance)
        if pay < 1000:
            return balance, False, wanted
        clock, rnd, clerk = self.clock, self.rng.random, plan.clerk
        d, t = clock.d, clock.t
        self.payout_id += 1
        pid = self.payout_id
        balance -= pay
        back_on, back = None, 0
        if rnd() < 0.7:
            when = o + 7 + int(rnd() * 80)
            if when <= clock.today:
                back_on, back = when, pay if rnd() < 0.85 else pay // 200 * 100
                pending.append((when, back))
        self.payouts.append(
            (
                pid,
                case_id,
                plan.id,
                d(o),
                pay,
                plan.host[:64],
                back_on is not None,
                d(back_on) if back_on else None,
                back,
                t(o),
                clerk,
                t(back_on or o),
                clerk,
            )
        )
        self.funds.append(
            (plan.id, d(o), FundEntryKind.PAYOUT.value, pay, pid, "先行赔付消费者", t(o), clerk, t(o), clerk)
        )
        if back_on is not None:
            self.funds.append(
                (
                    plan.id,
                    d(back_on),
                    FundEntryKind.RECOVERY.value,
                    back,
                    pid,
                    "向经营者追偿",
                    t(back_on),
                    clerk,
                    t(back_on),
                    clerk,
                )
            )
        if balance + sum(p[1] for p in pending) < plan.fund * 0.3 and o + 10 <= clock.today:
            top_up = plan.fund - balance - sum(p[1] for p in pending)
            pending.append((o + 10, top_up))
            self.funds.append(
                (
                    plan.id,
                    d(o + 10),
                    FundEntryKind.TOP_UP.value,
                    top_up,
                    None,
                    "补充先行赔付资金",
                    t(o + 10),
                    clerk,
                    t(o + 10),
                    clerk,
                )
            )
        return balance, True, pay

    def _consultations(self, plan: Plan, n_cases: int) -> None:
        """Period tallies of consultations (count > 1), as stations report them in their periodic
        summary (汇总表): monthly at busy stations, quarterly or half-yearly at quieter ones. One row
        per period the station was running in, dated the period's last day (or the day it stopped),
        and only once the period is over; nothing after `plan.hi`, so a quiet station stays quiet."""
        rnd = self.rng.random
        clock, today = self.clock, self.clock.today
        per_day = CONSULT_BASE / 30.4 + CONSULT_PER_CASE * n_cases / (plan.hi - plan.lo + 1)
        length = 1 if per_day >= 1.3 else 3 if per_day >= 0.13 else 6  # about 40 and 4 a month
        days, t, base, topics = clock.day, clock.t, clock.base, W.CONSULT_TOPICS
        contact, clerk = plan.contact, plan.clerk
        for first, last, end in clock.months(plan.lo, plan.hi, length):
            if end > today:  # the current period: not summarised yet
                break
            stamp = t(last)  # entered when the summary comes in; the topic is the one asked about most
            count = max(2, int(per_day * (last - first + 1) * (0.6 + 0.8 * rnd()) + 0.5))
            self.consultations.append(
                (
                    plan.id,
                    days[last - base],
                    topics[int(rnd() * 10)],
                    contact,
                    count,
                    stamp,
                    clerk,
                    stamp,
                    clerk,
                )
            )
