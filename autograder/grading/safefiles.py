"""Reading what students handed in without following links or blocking.

Everything under ``submitted/`` (and the exchange inbound) was made by a
student.  A symlink there may point at the instructor's source notebook,
another student's work or ``/etc/passwd``; a FIFO blocks whoever opens it;
``/dev/zero`` never ends.  So every path component is opened with
``O_NOFOLLOW`` relative to the previous one, files with ``O_NONBLOCK``, and
only regular files of bounded size are read.
"""
from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

__all__ = ["UnsafeFile", "read_regular", "kind", "copy_regular", "decode_text"]

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class UnsafeFile(OSError):
    """A path that must not be read: a symlink, not a regular file, or too large.  ``reason`` is Chinese."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def kind(path: str | Path) -> str:
    """``dir``, ``file``, ``symlink``, ``other`` (FIFO, device, socket) or ``missing``, without following links."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def _describe(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "是命名管道（FIFO），不是普通文件"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "是设备文件，不是普通文件"
    if stat.S_ISSOCK(mode):
        return "是套接字，不是普通文件"
    if stat.S_ISDIR(mode):
        return "是文件夹，不是文件"
    return "不是普通文件"


def _open_nofollow(root: Path, parts: tuple[str, ...]) -> int:
    """A descriptor of ``root/parts…``, no component of ``parts`` followed if it is a link."""
    fd = os.open(root, _DIR_FLAGS & ~os.O_NOFOLLOW)  # the course's own folder may be a link
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            try:
                nfd = os.open(part, _FILE_FLAGS if last else _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                where = Path(root, *parts[: i + 1])
                if exc.errno in (errno.ELOOP, errno.EMLINK):
                    raise UnsafeFile(where, "是符号链接（快捷方式），为安全起见不读取") from None
                if exc.errno == errno.ENOTDIR:
                    raise UnsafeFile(where, "路径中有一段不是文件夹（可能是符号链接），为安全起见不读取") from None
                raise
            os.close(fd)
            fd = nfd
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_regular(root: str | Path, parts: tuple[str, ...] | list[str], max_bytes: int) -> bytes:
    """The bytes of the regular file ``root/parts…``; :class:`UnsafeFile` for anything else.

    ``FileNotFoundError`` when it does not exist.  Reads at most ``max_bytes``
    (the size is checked before reading, and again while reading).
    """
    parts = tuple(parts)
    fd = _open_nofollow(Path(root), parts)
    try:
        st = os.fstat(fd)
        path = Path(root, *parts)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(path, _describe(st.st_mode))
        if st.st_size > max_bytes:
            raise UnsafeFile(path, f"文件太大（{st.st_size / 1e6:.1f} MB，上限 {max_bytes / 1e6:g} MB）")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnsafeFile(path, f"文件太大（上限 {max_bytes / 1e6:g} MB）")
        return b"".join(chunks)
    finally:
        os.close(fd)


def copy_regular(root: str | Path, parts: tuple[str, ...], dest: Path, max_bytes: int) -> None:
    """Copy the regular file ``root/parts…`` to ``dest`` (see :func:`read_regular`)."""
    data = read_regular(root, parts, max_bytes)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() or dest.is_symlink():
        dest.unlink()
    dest.write_bytes(data)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a notebook file: UTF-8 (with or without BOM), UTF-16/32 or GBK/GB18030."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec), codec.upper()
    if len(data) >= 4 and data[0] and not data[1] and data[2] and not data[3]:
        return data.decode("utf-16-le"), "UTF-16-LE"
    if len(data) >= 4 and not data[0] and data[1] and not data[2] and data[3]:
        return data.decode("utf-16-be"), "UTF-16-BE"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "GB18030"
