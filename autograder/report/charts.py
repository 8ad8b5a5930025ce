"""The export's PNG charts, with Chinese labels (Noto Sans SC via :mod:`autograder.teaching.fonts`).

* ``score_distribution.png`` — each chapter's scores (percent of full marks) as a histogram;
* ``difficulty_discrimination.png`` — every question's difficulty p against its discrimination D;
* ``top_rules.png`` — the rewrite rules broken most often.

Figures are built with :class:`matplotlib.figure.Figure` and saved with the
Agg canvas: no pyplot, no display, nothing global but the font registration.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .analytics import UNUSED_DISTRACTOR
from .rulestats import KIND_LABEL
from ..questiontypes import QUESTION_TYPES
from ..teaching.plotting import BLUE, GREEN, GREY, INK, ORANGE, RED, clean_axes, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .table import ExportResult

__all__ = ["score_distribution", "difficulty_discrimination", "top_rules", "write_charts", "CHART_FILES"]

CHART_FILES = {
    "score_distribution": "score_distribution.png",
    "difficulty_discrimination": "difficulty_discrimination.png",
    "top_rules": "top_rules.png",
}
TYPE_COLOUR = {"single": BLUE, "multiple": GREEN, "rewrite": ORANGE, "short": "#8e44ad"}
# the types with a colour of their own; the others are drawn together
TYPE_NAME = {k: QUESTION_TYPES[k].column for k in TYPE_COLOUR}
KIND_COLOUR = {"forbidden": RED, "missing": ORANGE, "warning": GREY}


def _empty(ax, text: str = "暂无数据") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=13, color=GREY, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def score_distribution(result: "ExportResult") -> "Figure":
    from .table import MISSING

    table = result.table
    chapters = table.chapters
    n = max(1, len(chapters))
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig = new_figure(5.0 * cols, 3.2 * rows + 0.6)
    fig.suptitle(f"各章成绩分布（按得分率，{len(table.students)} 名学生）", fontsize=14)
    if not chapters:
        _empty(fig.add_subplot(), "没有已发布的作业")
        return fig
    bins = list(range(0, 101, 10))
    for i, ch in enumerate(chapters, start=1):
        ax = fig.add_subplot(rows, cols, i)
        values = [100.0 * s.chapters[ch.assignment].total / ch.max_score
                  for s in table.students
                  if s.chapters[ch.assignment].status != MISSING and s.chapters[ch.assignment].total is not None
                  and ch.max_score > 0]
        missing = sum(s.chapters[ch.assignment].status == MISSING for s in table.students)
        if not values:
            _empty(ax, "暂无提交")
            ax.set_title(ch.label, fontsize=12)
            continue
        values = [min(100.0, max(0.0, v)) for v in values]
        ax.hist(values, bins=bins, color=BLUE, edgecolor="white")
        mean = sum(values) / len(values)
        ax.axvline(mean, color=ORANGE, linestyle="--", linewidth=1.5)
        ax.axvline(60, color=GREY, linestyle=":", linewidth=1)
        ax.text(mean, ax.get_ylim()[1] * 0.95, f" 平均 {mean:.0f}%", color=ORANGE, fontsize=9, va="top")
        ax.set_title(f"{ch.label}（{len(values)} 人提交，{missing} 人未提交）", fontsize=11)
        ax.set_xlim(0, 100)
        ax.set_xlabel("得分率（%）")
        ax.set_ylabel("人数")
        ax.yaxis.get_major_locator().set_params(integer=True)
        clean_axes(ax)
    return fig


def difficulty_discrimination(result: "ExportResult") -> "Figure":
    from .table import small_sample_note

    fig = new_figure(8.0, 5.2)
    ax = fig.add_subplot()
    stats = [st for ch in result.table.chapters for st in result.items.get(ch.assignment, [])
             if st.p is not None and st.discrimination is not None]
    flagged = [st for st in stats if st.flags]
    title = "题目难度与区分度"
    if flagged:  # the rings are only mentioned when there are some
        title += "（红圈：需要检查的题目，详见“题目分析”）"
    n = max((st.n for st in stats), default=0)
    if stats and small_sample_note(n):
        title += f"\n样本只有 {n} 人（少于 20 人），统计仅供参考"
    ax.set_title(title, fontsize=13, loc="left")
    if not stats:
        _empty(ax)
        return fig
    ax.axhspan(-1, 0.2, color="#fbeaea", zorder=0)
    for y, label in ((0.2, "D = 0.2"), (0.4, "D = 0.4")):
        ax.axhline(y, color=GREY, linestyle="--", linewidth=1, zorder=1)
        ax.text(1.06, y + 0.01, label, ha="right", va="bottom", fontsize=8, color=GREY)
    for qtype, name in TYPE_NAME.items():
        pts = [st for st in stats if st.item.type == qtype]
        if pts:
            ax.scatter([st.p for st in pts], [st.discrimination for st in pts], s=36, color=TYPE_COLOUR[qtype],
                       label=name, alpha=0.85, zorder=3)
    other = [st for st in stats if st.item.type not in TYPE_NAME]
    if other:
        ax.scatter([st.p for st in other], [st.discrimination for st in other], s=36, color=GREY, label="其他", zorder=3)
    if flagged:
        ax.scatter([st.p for st in flagged], [st.discrimination for st in flagged], s=150, facecolors="none",
                   edgecolors=RED, linewidths=1.6, label="需要检查", zorder=4)
        # name the questions whose key or wording looks wrong (an unused distractor only gets the ring)
        serious = [st for st in flagged if any(f.code != UNUSED_DISTRACTOR for f in st.flags)]
        for st in serious[:12]:
            ax.annotate(st.item.label, (st.p, st.discrimination), textcoords="offset points", xytext=(6, 4),
                        fontsize=8, color=RED)
    # D and p both reach 1.0: leave room above and to the right so a point there (and its ring) is whole
    low = min(-0.2, min(st.discrimination for st in stats) - 0.05)
    ax.set_xlim(-0.04, 1.08)
    ax.set_ylim(low, 1.12)
    ax.set_yticks([t / 10 for t in range(int(low * 10), 11, 2)])
    ax.set_xlabel("难度 p（平均得分率，越大越容易）")
    ax.set_ylabel("区分度 D（高分组 − 低分组）")
    ax.legend(loc="upper left", fontsize=9, frameon=False)
    clean_axes(ax)
    return fig


def top_rules(result: "ExportResult", n: int = 12) -> "Figure":
    rules = [r for r in result.rules if r.answers > 0][:n]
    fig = new_figure(8.0, 1.2 + 0.42 * max(len(rules), 3))
    ax = fig.add_subplot()
    ax.set_title(f"改写题最常出现的问题（共检查 {result.rewrite_answers} 份作答）", fontsize=13, loc="left")
    if not rules:
        _empty(ax, "暂无改写题作答")
        return fig
    rules = rules[::-1]
    labels = [f"{r.label or r.rule}" for r in rules]
    colours = [KIND_COLOUR.get(r.kind, GREY) for r in rules]
    bars = ax.barh(range(len(rules)), [r.answers for r in rules], color=colours, height=0.62)
    ax.set_yticks(range(len(rules)), labels, fontsize=9)
    for bar, r in zip(bars, rules):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {r.answers}", va="center", fontsize=9,
                color=INK)
    ax.set_xlabel("出现的作答份数")
    from matplotlib.patches import Patch

    kinds = [k for k in ("forbidden", "missing", "warning") if any(r.kind == k for r in rules)]
    ax.legend(handles=[Patch(color=KIND_COLOUR[k], label=KIND_LABEL[k]) for k in kinds], loc="lower right",
              fontsize=9, frameon=False)
    clean_axes(ax)
    return fig


def write_charts(result: "ExportResult", out_dir: str | Path, dpi: int = 120) -> dict[str, Path]:
    """Draw the three charts into ``out_dir``; returns file name -> path."""
    out = Path(out_dir)
    written = {}
    for key, fn in (("score_distribution", score_distribution),
                    ("difficulty_discrimination", difficulty_discrimination),
                    ("top_rules", top_rules)):
        fig = fn(result)
        path = out / CHART_FILES[key]
        fig.savefig(path, format="png", dpi=dpi)
        written[CHART_FILES[key]] = path
    return written
