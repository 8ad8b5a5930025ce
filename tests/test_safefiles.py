"""Reading student files: no links followed, only regular files, bounded size, any common encoding."""
from __future__ import annotations

import codecs
import os

import pytest

from autograder.grading.safefiles import UnsafeFile, copy_regular, decode_text, kind, read_regular


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "s" / "a").mkdir(parents=True)
    (tmp_path / "s" / "a" / "nb.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    return tmp_path


def test_regular_file_is_read(tree):
    assert read_regular(tree, ("s", "a", "nb.ipynb"), 100) == b"{}"
    assert kind(tree / "s") == "dir" and kind(tree / "s" / "a" / "nb.ipynb") == "file"


def test_links_anywhere_on_the_path_are_refused(tree):
    os.symlink(tree / "secret.txt", tree / "s" / "a" / "link.ipynb")
    os.symlink(tree / "s" / "a", tree / "s" / "b")
    with pytest.raises(UnsafeFile, match="符号链接"):
        read_regular(tree, ("s", "a", "link.ipynb"), 100)
    with pytest.raises(UnsafeFile):
        read_regular(tree, ("s", "b", "nb.ipynb"), 100)
    assert kind(tree / "s" / "b") == "symlink"


def test_fifo_is_refused_without_blocking(tree):
    os.mkfifo(tree / "s" / "a" / "pipe.ipynb")
    with pytest.raises(UnsafeFile, match="命名管道"):
        read_regular(tree, ("s", "a", "pipe.ipynb"), 100)
    assert kind(tree / "s" / "a" / "pipe.ipynb") == "other"


def test_size_is_checked_before_reading(tree):
    with pytest.raises(UnsafeFile, match="太大"):
        read_regular(tree, ("s", "a", "nb.ipynb"), 1)


def test_missing_file_is_file_not_found(tree):
    with pytest.raises(FileNotFoundError):
        read_regular(tree, ("s", "a", "none.ipynb"), 100)


def test_copy_regular(tree, tmp_path):
    copy_regular(tree, ("s", "a", "nb.ipynb"), tmp_path / "out" / "x.ipynb", 100)
    assert (tmp_path / "out" / "x.ipynb").read_bytes() == b"{}"


@pytest.mark.parametrize("data, encoding", [
    (b'{"a": "\xe7\xac\xac"}', "UTF-8"), (codecs.BOM_UTF8 + '{"a": "第"}'.encode(), "UTF-8-SIG"),
    ('{"a": "第"}'.encode("utf-16"), "UTF-16"), ('{"a": "第"}'.encode("utf-16-le"), "UTF-16-LE"),
    ('{"a": "第"}'.encode("utf-16-be"), "UTF-16-BE"), ('{"a": "第一题"}'.encode("gbk"), "GB18030"),
])
def test_decode_text(data, encoding):
    text, found = decode_text(data)
    assert found == encoding and text.startswith('{"a": "第')
