"""The one background runner: all unbounded database work runs here, off the GUI thread.

A job is a plain function `fn(ctx)`; it reports progress with `ctx.progress(done, total, text)`
and checks `ctx.cancelled`. Results come back to the GUI thread by queued signals: the signals
live on a `Task` QObject created in the GUI thread, and are connected to its own slots, so
PySide delivers them there (a plain Python callable would be called on the worker thread).
`TaskRunner(synchronous=True)` runs jobs inline for tests that need no threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a job when the user cancelled it."""


class TaskContext:
    """What a job sees of its task: progress reporting and the cancel flag."""

    def __init__(self, task: Task) -> None:
        self._task = task

    @property
    def cancelled(self) -> bool:
        return self._task.cancel_event.is_set()

    def check_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._task.progressed.emit(done, total, text)


class Task(QObject):
    """One job's life: its signals, its cancel flag and the callbacks to run in the GUI thread."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)

    def __init__(
        self,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_cancelled: Callable[[], None] | None,
    ) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self._on_done, self._on_error, self._on_cancelled = on_done, on_error, on_cancelled
        self.done = False
        self.settled: Callable[[Task], None] | None = None
        self.finished.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    def cancel(self) -> None:
        self.cancel_event.set()

    def _settle(self) -> None:
        self.done = True
        if self.settled is not None:
            self.settled(self)

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        self._settle()
        if self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        self._settle()
        if isinstance(exc, Cancelled):
            if self._on_cancelled is not None:
                self._on_cancelled()
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.error("background task failed", exc_info=exc)


class _Runnable(QRunnable):
    def __init__(self, task: Task, fn: Callable[[TaskContext], Any]) -> None:
        super().__init__()
        self._task, self._fn = task, fn

    def run(self) -> None:
        try:
            result = self._fn(TaskContext(self._task))
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self._task.failed.emit(exc)
        else:
            self._task.finished.emit(result)


class TaskRunner(QObject):
    """Starts jobs on Qt's thread pool and keeps them alive until they report back."""

    def __init__(self, synchronous: bool = False) -> None:
        super().__init__()
        self.synchronous = synchronous
        self._pool = QThreadPool.globalInstance()
        self._running: set[Task] = set()

    def run(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        progress_parent: QWidget | None = None,
        progress_title: str = "",
    ) -> Task:
        task = Task(on_done, on_error, on_cancelled)
        self._running.add(task)
        task.settled = self._running.discard
        if progress_parent is not None:
            _attach_progress_dialog(task, progress_parent, progress_title)
        runnable = _Runnable(task, fn)
        if self.synchronous:
            runnable.run()
        else:
            self._pool.start(runnable)
        return task

    def wait_all(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)


def _attach_progress_dialog(task: Task, parent: QWidget, title: str) -> QProgressDialog:
    """A cancellable progress dialog that appears only if the job takes longer than 400 ms."""
    dialog = QProgressDialog(title, "取消", 0, 0, parent)
    dialog.setWindowTitle(title or "请稍候")
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def on_progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)

    # Queued explicitly: these are emitted on the worker thread and must run on the GUI thread.
    queued = Qt.ConnectionType.QueuedConnection
    task.progressed.connect(on_progress, queued)
    dialog.canceled.connect(task.cancel)
    task.finished.connect(dialog.close, queued)
    task.failed.connect(dialog.close, queued)
    return dialog


class LatestOnly:
    """Runs a list's reload off the GUI thread, one at a time; reloads asked for meanwhile (each
    keystroke in a search box asks one) collapse into the latest, run when the current one ends.

    So a slow query never piles up behind itself, and what is shown is always the latest filter's.
    """

    def __init__(
        self,
        runner: TaskRunner,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._runner, self._on_done, self._on_error = runner, on_done, on_error
        self._running = False
        self._next: Callable[[TaskContext], Any] | None = None

    @property
    def running(self) -> bool:
        return self._running

    def run(self, job: Callable[[TaskContext], Any]) -> None:
        if self._running:
            self._next = job
            return
        self._running = True
        self._runner.run(job, on_done=self._done, on_error=self._failed)

    def _done(self, result: Any) -> None:
        self._running = False
        if self._next is not None:
            job, self._next = self._next, None
            self.run(job)
            return
        self._on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self._running, self._next = False, None
        self._on_error(exc)
