"""The background runner's helpers: reloads collapse into the latest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stationdesk.ui.tasks import LatestOnly, TaskRunner


class HeldRunner(TaskRunner):
    """Keeps each job until the test finishes it, as a slow query would be held."""

    def __init__(self) -> None:
        super().__init__(synchronous=True)
        self.held: list[tuple[Callable[..., Any], Callable[[Any], None], Callable[[BaseException], None]]] = []

    def run(self, job, on_done=None, on_error=None, **_kwargs):  # type: ignore[no-untyped-def, override]
        self.held.append((job, on_done, on_error))

    def finish(self) -> None:
        job, on_done, _on_error = self.held.pop(0)
        on_done(job(None))

    def fail(self, exc: BaseException) -> None:
        _job, _on_done, on_error = self.held.pop(0)
        on_error(exc)


def test_reloads_asked_while_one_runs_collapse_into_the_latest() -> None:
    runner, shown, errors = HeldRunner(), [], []
    loader = LatestOnly(runner, shown.append, errors.append)
    loader.run(lambda _ctx: "a")
    loader.run(lambda _ctx: "b")
    loader.run(lambda _ctx: "c")
    assert len(runner.held) == 1 and loader.running
    runner.finish()
    assert shown == [], "the stale result of 'a' is not shown"
    assert len(runner.held) == 1
    runner.finish()
    assert shown == ["c"] and not loader.running and errors == []


def test_a_failed_reload_reports_and_the_next_one_runs_again() -> None:
    runner, shown, errors = HeldRunner(), [], []
    loader = LatestOnly(runner, shown.append, errors.append)
    loader.run(lambda _ctx: "a")
    problem = RuntimeError("locked")
    runner.fail(problem)
    assert errors == [problem] and not loader.running
    loader.run(lambda _ctx: "b")
    runner.finish()
    assert shown == ["b"]
