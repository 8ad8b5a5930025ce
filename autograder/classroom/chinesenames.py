"""Chinese names in nbgrader's two name fields: 姓 and 名 apart, or the whole name.

A roster gives one 姓名; nbgrader's Student has ``last_name`` and
``first_name``.  The kit stores the whole name in ``last_name`` (see
:mod:`autograder.classroom.roster`); these two functions split a name for callers
that want 姓 and 名 apart, and join what earlier gradebooks stored apart.
"""
from __future__ import annotations

__all__ = ["split_name", "join_name", "is_han", "COMPOUND_SURNAMES"]

COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 "
    "太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 "
    "漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 "
    "公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 "
    "褚师 吴铭".split())


def is_han(ch: str) -> bool:
    """A Han character (CJK unified ideographs and their extensions)."""
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name; other names whole as the surname.

    ``"".join(split_name(n)) == n`` for every name.
    """
    name = name.strip()
    if len(name) < 2 or not all(is_han(c) for c in name):
        return name, ""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def join_name(last_name: str | None, first_name: str | None) -> str:
    """The full name from nbgrader's two fields: 姓+名 for Chinese, "First Last" otherwise."""
    last, first = (last_name or "").strip(), (first_name or "").strip()
    if not first or not last:
        return last or first
    if any(is_han(c) for c in last + first):
        return last + first
    return f"{first} {last}"
