"""The two error families (conventions §11).

A `UserError` is something the user can fix: it carries a Chinese message that names the field
or row, and a hint on what to do. Anything else is a bug: logged with its traceback and shown as
a short apology with the log file's location.
"""

from __future__ import annotations

from collections.abc import Mapping


class UserError(Exception):
    """A problem the user can fix. `message` is shown as is; `hint` says what to do next."""

    def __init__(self, message: str, *, hint: str = "", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field

    def __str__(self) -> str:
        return f"{self.message}（{self.hint}）" if self.hint else self.message


class ValidationFailed(UserError):
    """A form, command or row has problems; `problems` maps each field name to its message.

    The message names the first few fields by their Chinese labels (`labels`), so a command line
    or a log shows what to fix even where the fields are not on screen.
    """

    def __init__(self, problems: Mapping[str, str], labels: Mapping[str, str] | None = None) -> None:
        labels = labels or {}
        first = "；".join(f"{labels.get(k, k)}：{v}" for k, v in list(problems.items())[:3])
        super().__init__(f"有 {len(problems)} 处需要修改：{first}")
        self.problems = dict(problems)
        self.labels = dict(labels)


class ConflictError(UserError):
    """The row changed in the database since it was read (another PC or window saved first)."""


class EnvironmentProblem(UserError):
    """The machine, not the data or the code: disk full, file locked, read-only, server down."""


class DatabaseDamaged(EnvironmentProblem):
    """The database file fails its check or is not a database: never written to; restore offered."""


READ_ONLY_MARK = "stationdesk: database opened read-only"
"""Added (as an exception note) to driver errors from a database the app opened read-only."""


def read_only_problem() -> EnvironmentProblem:
    return EnvironmentProblem(
        "数据库以只读方式打开，不能保存修改",
        hint="只读时可以查看、打印和导出；要修改，请待占用数据库的程序关闭后重新打开本程序",
    )


def classify_database_error(exc: BaseException) -> UserError | None:
    """Sort a driver error into an environment problem the user can act on, or None (a bug)."""
    text = str(exc).lower()
    if READ_ONLY_MARK in getattr(exc, "__notes__", ()):
        return read_only_problem()
    if "database or disk is full" in text or "no space left" in text:
        return EnvironmentProblem("磁盘空间已满，数据未保存", hint="请清理磁盘空间后重试")
    if "database is locked" in text or "database table is locked" in text or "lock timeout" in text:
        return EnvironmentProblem(
            "数据库正被其他程序或电脑占用", hint="请稍后重试，或关闭其他正在使用该数据库的窗口"
        )
    if "readonly" in text or "read-only" in text or "attempt to write a readonly database" in text:
        return EnvironmentProblem("数据库文件是只读的，无法保存", hint="请检查文件权限或以只读方式使用")
    if "unable to open database" in text:
        return EnvironmentProblem("无法打开数据库文件", hint="请检查文件位置是否存在、是否有访问权限")
    if "file is not a database" in text or "malformed" in text:
        return DatabaseDamaged("数据库文件已损坏或不是本软件的数据库", hint="请从备份恢复")
    if "password authentication failed" in text or "no password supplied" in text or (
        'role "' in text and "does not exist" in text
    ):
        return EnvironmentProblem("数据库服务器拒绝登录：用户名或密码不对", hint="请检查连接串中的用户名和密码")
    if 'database "' in text and "does not exist" in text:
        return EnvironmentProblem(
            "数据库服务器上没有连接串所写的数据库", hint="请管理员先建好数据库，或检查连接串中的数据库名"
        )
    if "could not translate host name" in text or "name or service not known" in text or (
        "nodename nor servname" in text
    ):
        return EnvironmentProblem("找不到数据库服务器：服务器地址不对", hint="请检查服务器地址（计算机名或 IP 地址）")
    if "could not connect" in text or "connection refused" in text or "timeout expired" in text:
        return EnvironmentProblem("无法连接数据库服务器", hint="请检查网络和服务器地址")
    return None
