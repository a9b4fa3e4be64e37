"""Reading and writing the user's files without ever blocking on them or destroying them.

Every command reads its inputs with `read_bytes`/`read_text` and writes its outputs with
`write_atomic` after `check_output` has said the path may be written. The rule `check_output`
keeps: a command writes only a new path, or a path the user named together with `--force`, or
the transcript it owns; it never writes a file it reads. `write_atomic` keeps a symlink's target
(it writes through the link) and the file's permissions (a new file gets the umask's).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from roleplay.errors import InvalidFileError, UsageError, WriteError

MAX_FILE_BYTES = 1_000_000
"""Scenario, rubric, model card and script files are hand-written; anything larger is a
mistake, not a scenario."""

MAX_JSON_BYTES = 20_000_000
"""Transcripts and JSON Lines files. A transcript of a long call with every turn scored and
explained is about 100 kB; 20 MB leaves room for hundreds of coach notes while keeping a
hostile file from filling memory."""

MAX_JSON_NESTING = 32
"""The deepest nesting of lists and objects a JSON file or line may have (transcripts use 6);
deeper is damaged or hostile, and about 1,000 levels would exhaust Python's recursion."""

TEMP_SUFFIX = ".tmp"
"""Temporary files of an atomic write are `.NAME.PID.RANDOM.tmp` beside the target."""

_READ_CHUNK = 1 << 16


def _describe_open_error(path: Path, exc: OSError) -> str:
    """Why `path` cannot be opened, in words a user can act on."""
    if exc.errno == errno.ELOOP:
        return "symlink loop (a link that leads back to itself); fix or remove the link"
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return f"broken symlink (it points to {os.readlink(path)}, which does not exist)"
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied; check the file's permissions"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, expected a file"
    return f"could not read: {exc.strerror or exc}"


def read_bytes(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The content of the regular file at `path`, at most `limit` bytes.

    The file is opened without blocking and checked before it is read, so a FIFO, a device or
    a socket is refused instead of waiting forever, and a huge file is refused unread.

    Raises:
        InvalidFileError: the file is missing, a broken link or a link loop, a directory, not a
            regular file, unreadable (permissions, I/O error) or larger than `limit`.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InvalidFileError.single(path, _describe_open_error(path, exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InvalidFileError.single(path, "is a directory, expected a file")
        if not stat.S_ISREG(info.st_mode):
            raise InvalidFileError.single(
                path, "not a regular file (a pipe, socket or device); give a file"
            )
        if info.st_size > limit:
            raise InvalidFileError.single(path, _too_large(info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, _READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # the file grew while it was read
                raise InvalidFileError.single(path, _too_large(size, limit))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InvalidFileError.single(path, f"could not read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> str:
    return f"file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:g} MB"


def read_text(path: Path | str, limit: int = MAX_FILE_BYTES) -> str:
    """A user's file as UTF-8 text (a leading byte-order mark is dropped), read as `read_bytes`.

    Raises:
        InvalidFileError: as `read_bytes`, or the file is not UTF-8, located at the bad byte.
    """
    raw = read_bytes(path, limit)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidFileError.single(
            path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8", line, column
        ) from None


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def loads_json(raw: str) -> Any:
    """`json.loads`, refusing nesting deeper than `MAX_JSON_NESTING` (which would exhaust
    Python's recursion) with a `JSONDecodeError` at the place it gets too deep.

    Raises:
        json.JSONDecodeError: the text is not JSON, or nests too deeply.
    """
    too_deep = _too_deep_at(raw)
    if too_deep is not None:
        raise json.JSONDecodeError(
            f"nested more than {MAX_JSON_NESTING} levels deep", raw, too_deep
        )
    return json.loads(raw)


def _too_deep_at(raw: str) -> int | None:
    """Where `raw` nests lists and objects deeper than `MAX_JSON_NESTING`, if it does (strings
    are skipped, so brackets inside them do not count)."""
    if raw.count("[") + raw.count("{") <= MAX_JSON_NESTING:
        return None
    depth = 0
    for token in _JSON_TOKEN.finditer(raw):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_JSON_NESTING:
                return token.start()
        elif char in "]}":
            depth -= 1
    return None


_JSON_SYNTAX = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]')


def json_location(raw: str, where: tuple[str | int, ...]) -> tuple[int, int]:
    """Line and column (1-based) of the value at `where` (keys and list indices) in the JSON
    text `raw`: of its key inside an object, of the item itself inside a list; the nearest
    enclosing place that exists, else (1, 1)."""
    best = 0
    # Each open container: [is_object, key or index, expecting a key].
    stack: list[list[Any]] = []
    for token in _JSON_SYNTAX.finditer(raw):
        text, at = token.group(), token.start()
        if text in "{[":
            stack.append([text == "{", 0 if text == "[" else None, text == "{"])
            if text == "[":
                at = token.end()
        elif text in "}]":
            if stack:
                stack.pop()
            continue
        elif text == ":":
            if stack:
                stack[-1][2] = False
            continue
        elif text == ",":
            if not stack:
                continue
            if stack[-1][0]:
                stack[-1][2] = True
                continue
            stack[-1][1] += 1
            at = token.end()
        elif stack and stack[-1][0] and stack[-1][2]:
            stack[-1][1] = json.loads(text)
        else:
            continue
        if text not in ("{", "[") or not stack[-1][0]:
            path = tuple(frame[1] for frame in stack)
            if where[: len(path)] == path:
                best = at
                if path == where:
                    break
    while best < len(raw) and raw[best] in " \t\r\n":
        best += 1
    return raw.count("\n", 0, best) + 1, best - (raw.rfind("\n", 0, best) + 1) + 1


def _identity(path: Path) -> tuple[int, int] | str:
    """What a path names: its device and inode when it exists, else its resolved path (so a
    broken link is the same as the missing file it points to). Two paths name the same file
    when their identities are equal."""
    try:
        info = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return info.st_dev, info.st_ino


def check_output(
    path: Path,
    *,
    force: bool = False,
    reads: Iterable[Path | None] = (),
    option: str = "--output",
) -> Path:
    """Decide whether a command may write `path`; returns it, or raises saying why not.

    A command writes only a new path, or an existing one the user named with `--force`; it
    never writes a file it reads (not even with `--force`), a folder, or something that is not
    a regular file. Call it before any work, so nothing is half done when it refuses.

    Args:
        path: The output path the user named.
        force: The user passed `--force`.
        reads: Every file the command reads (None entries are skipped).
        option: The option that named `path`, for the message.

    Raises:
        UsageError: the path may not be written; the message says what to do instead.
    """
    path = Path(path)
    target = _identity(path)  # once: a team report reads thousands of files
    for source in reads:
        if source is None:
            continue
        source = Path(source)
        if _identity(source) == target:
            raise UsageError(
                f"{option} {path}: that is a file this command reads ({source}); "
                "write the output to another path"
            )
    if os.path.islink(path) and not path.exists():
        raise UsageError(f"{option} {path}: a broken symlink; remove it or choose another path")
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder; name a file")
    if path.exists():
        if not path.is_file():
            raise UsageError(f"{option} {path}: not a regular file; choose another path")
        if not force:
            raise UsageError(
                f"{option} {path}: already exists; choose another path, or pass --force to "
                "replace it"
            )
    return path


def check_outputs(
    paths: Iterable[Path],
    *,
    force: bool = False,
    reads: Iterable[Path | None] = (),
    option: str = "--output",
) -> None:
    """`check_output` for every file a command writes at once (a folder of reports), comparing
    them with the files it reads in one pass rather than each with each.

    Raises:
        UsageError: one of the paths may not be written; nothing has been written yet.
    """
    read_at = {_identity(Path(source)): Path(source) for source in reads if source is not None}
    for path in paths:
        source = read_at.get(_identity(path))
        if source is not None:
            raise UsageError(
                f"{option} {path}: that is a file this command reads ({source}); "
                "write the output to another path"
            )
        check_output(path, force=force, option=option)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(target: Path) -> None:
    """Delete temporary files an earlier, killed write of `target` left beside it.

    Only files named like this module's own temporaries, whose writing process is gone, are
    removed; a write in progress in another process is left alone.
    """
    prefix = f".{target.name}."
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        middle = name[len(prefix) : -len(TEMP_SUFFIX)].split(".")
        if len(middle) != 2 or not middle[0].isdigit():
            continue
        if int(middle[0]) != os.getpid() and not _pid_alive(int(middle[0])):
            with contextlib.suppress(OSError):  # another process cleaned it first
                os.unlink(entry.path)


def write_atomic(path: Path | str, text: str) -> None:
    """Write `text` to `path` via a temporary file and a rename, so readers never see half.

    A symlink at `path` is kept: its target is written. An existing file keeps its permission
    bits; a new file gets the usual ones for the user's umask (not 0600).

    Raises:
        WriteError: the file could not be written; the old content is intact.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(target)
        try:
            mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = None
        while True:
            tmp = target.parent / (
                f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
            )
            try:
                # 0o666 here lets the kernel apply the umask to a new file.
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
                break
            except FileExistsError:
                continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise WriteError(f"{path}: could not write: {exc.strerror or exc}") from None


def iter_yaml_files(directory: Path) -> Iterator[Path]:
    """The `.yaml` and `.yml` files directly inside `directory`, sorted by name."""
    yield from sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})
