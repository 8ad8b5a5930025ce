"""The course's charts, with Chinese labels, from the figures in the training material.

Every function returns a :class:`Chart`: a notebook shows it as a PNG when it
is the last expression of a cell, and ``chart.save("x.png")`` writes it to a
file.  Figures are built with :class:`matplotlib.figure.Figure` directly (no
``pyplot``), so nothing depends on the notebook's matplotlib backend and a
chart never shows twice.

Sources of the numbers (the seeds in ``shared/seeds``): why customers leave
(45/20/15/15/5 %), how few unhappy customers complain (4 % vs 96 %, 90 % never
come back) and how many people an offended customer tells (8–16) come from a
call-centre service handbook; "very unhappy customers tell more than 20
people, very satisfied ones tell 12", "about 80 % of customers who are unhappy
but do not complain do not come back" and "98 % come back when the complaint
is handled well" from an operator training text, which also gives the six
voice standards; answering at the first ring and reporting every 15 seconds
while a caller holds from a call-centre courseware chapter.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .fonts import use_chinese_font  # noqa: F401  notebooks call charts.use_chinese_font()
from .plotting import BLUE, GREEN, GREY, INK, LIGHT, ORANGE, RED, clean_axes, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "Chart", "CHARTS",
    "customers_leave", "complaint_iceberg", "complaint_outcomes",
    "voice_standards", "call_timeline",
]


@dataclass
class Chart:
    """A rendered course chart: displays itself in a notebook, saves to PNG."""

    figure: "Figure"
    title: str
    dpi: int = 110

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=self.dpi, bbox_inches="tight")
        return buf.getvalue()

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.png())
        return path

    def _repr_png_(self) -> bytes:  # Jupyter's rich display
        return self.png()

    def __repr__(self) -> str:
        return f"<图表：{self.title}>"


# --------------------------------------------------------------------------- 投诉处理 / 价格异议


LEAVE_REASONS: list[tuple[str, int, str]] = [
    ("服务很差", 45, "service"),
    ("没有人关心他们", 20, "service"),
    ("找到了更便宜的价格", 15, "price"),
    ("找到了更好的产品", 15, "product"),
    ("其他原因", 5, "other"),
]


def customers_leave(highlight: str = "service") -> Chart:
    """Why customers leave us: 45 / 20 / 15 / 15 / 5 %.

    ``highlight="service"`` colours the two reasons that are our own doing
    (65 % together); ``highlight="price"`` colours the 15 % who leave for a
    lower price (the price-objection chapter).
    """
    if highlight not in ("service", "price"):
        raise ValueError("highlight must be 'service' or 'price'")
    fig = new_figure(7.2, 3.6)
    ax = fig.add_subplot()
    labels = [r[0] for r in LEAVE_REASONS][::-1]
    values = [r[1] for r in LEAVE_REASONS][::-1]
    groups = [r[2] for r in LEAVE_REASONS][::-1]
    colour = ORANGE if highlight == "price" else RED
    colours = [colour if g == highlight else LIGHT for g in groups]
    bars = ax.barh(labels, values, color=colours, height=0.62)
    for bar, v in zip(bars, values):
        ax.text(bar.get_width() + 0.8, bar.get_y() + bar.get_height() / 2, f"{v}%",
                va="center", fontsize=12, color=INK)
    ax.set_xlim(0, 55)
    ax.set_xlabel("占离开顾客的百分比（%）")
    ax.tick_params(axis="y", labelsize=12)
    clean_axes(ax)
    if highlight == "price":
        ax.set_title("顾客为什么离开？因为价格离开的只有 15%", fontsize=14, loc="left")
        note = "另有 65% 是因为服务差、没人关心——价格并不是主要原因"
    else:
        ax.set_title("顾客为什么离开？65% 是因为我们做得不好", fontsize=14, loc="left")
        note = "服务很差（45%）+ 没有人关心（20%）= 65%，都不是价格问题"
    fig.text(0.01, -0.04, note + "。资料：呼叫中心客服工作手册的调查数据。",
             fontsize=9.5, color="#555555", ha="left")
    return Chart(fig, "顾客为什么离开")


def complaint_iceberg() -> Chart:
    """Of 100 unhappy customers only 4 complain; 96 stay silent; 90 never come back."""
    fig = new_figure(7.2, 4.2)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    # 100 squares, 10 × 10: the first 4 complain, the rest are silent
    for i in range(100):
        row, col = divmod(i, 10)
        colour = ORANGE if i < 4 else LIGHT
        ax.add_patch(_square(col, 9 - row, colour))
        if i >= 10:  # 90 of the 100 never buy again
            ax.text(col + 0.45, 9 - row + 0.42, "×", ha="center", va="center",
                    fontsize=8, color="#6b7785")
    ax.set_xlim(-0.2, 10.2)
    ax.set_ylim(-0.2, 10.2)
    ax.axis("off")
    ax.set_title("100 位不满意的顾客，会怎么做？", fontsize=14, loc="left")
    key = [
        (ORANGE, "4 位会投诉，让我们有机会补救"),
        (LIGHT, "96 位从不投诉，只是默默离开"),
        (None, "× 90 位再也不会购买我们的产品和服务"),
    ]
    y = 0.80
    for colour, text in key:
        if colour:
            fig.patches.append(_legend_box(fig, 0.66, y, colour))
        fig.text(0.70 if colour else 0.66, y + 0.012, text, fontsize=11, va="center")
        y -= 0.12
    fig.text(0.66, y - 0.04, "没有投诉，不等于顾客满意。", fontsize=11, color=RED,
             va="center")
    fig.get_layout_engine().set(rect=(0, 0, 0.62, 1))
    return Chart(fig, "沉默的大多数")


def _square(x: float, y: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 0.9, 0.84, facecolor=colour, edgecolor="white")


def _legend_box(fig, x: float, y: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 0.025, 0.045, transform=fig.transFigure, figure=fig,
                     facecolor=colour, edgecolor="none")


def complaint_outcomes() -> Chart:
    """How many people hear about it, and who comes back."""
    fig = new_figure(8.6, 3.8)
    left, right = fig.subplots(1, 2, width_ratios=[1.15, 1])

    # left: word of mouth
    labels = ["非常满意的顾客", "被得罪的顾客", "非常不满意的顾客"]
    low = [12, 8, 20]
    high = [12, 16, 20]
    colours = [GREEN, ORANGE, RED]
    y = range(len(labels))
    left.barh(y, low, color=colours, height=0.55)
    left.barh(1, high[1] - low[1], left=low[1], color=ORANGE, alpha=0.45, height=0.55)
    texts = ["告诉 12 人", "告诉 8–16 人", "告诉 20 人以上"]
    for i, t in enumerate(texts):
        left.text(high[i] + 0.6, i, t, va="center", fontsize=11)
    left.set_yticks(list(y), labels, fontsize=11)
    left.set_xlim(0, 30)
    left.set_xlabel("平均会告诉多少人")
    left.set_title("好事不出门，坏事传千里", fontsize=13, loc="left")
    clean_axes(left)

    # right: who comes back
    cats = ["有意见但没说出来", "投诉并得到妥善处理"]
    vals = [20, 98]
    bars = right.bar(cats, vals, color=[GREY, GREEN], width=0.55)
    for bar, v, note in zip(bars, vals, ["约 20%\n（约 80% 不再来）", "约 98%"]):
        right.text(bar.get_x() + bar.get_width() / 2, v + 2, note, ha="center",
                   va="bottom", fontsize=11)
    right.set_ylim(0, 125)
    right.set_yticks([0, 25, 50, 75, 100])
    right.set_ylabel("还会再来的顾客（%）")
    right.set_title("投诉处理好了，顾客会回来", fontsize=13, loc="left")
    right.tick_params(axis="x", labelsize=11)
    clean_axes(right)
    fig.text(0.01, -0.05, "资料：客服工作手册与话务员培训材料中的调查数据（不同调查的数字略有出入）。",
             fontsize=9.5, color="#555555")
    return Chart(fig, "投诉的后果")


# --------------------------------------------------------------------------- 微笑服务

VOICE_STANDARDS: list[tuple[str, str]] = [
    ("气息", "均匀、流畅"),
    ("语音", "清晰、自然"),
    ("语调", "准确、悠扬"),
    ("语速", "匹配、可控"),
    ("音量", "恰当、适中"),
    ("语气", "热情、友好"),
]


def voice_standards() -> Chart:
    """The six voice standards of a customer-service representative, as cards."""
    from matplotlib.patches import FancyBboxPatch

    fig = new_figure(7.6, 3.9)
    ax = fig.add_subplot()
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 2)
    ax.axis("off")
    for i, (item, standard) in enumerate(VOICE_STANDARDS):
        row, col = divmod(i, 3)
        x, y = col + 0.06, 1 - row + 0.08
        ax.add_patch(FancyBboxPatch((x, y), 0.88, 0.78, boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor="#eef3fa", edgecolor=BLUE, linewidth=1.4))
        ax.text(x + 0.44, y + 0.52, item, ha="center", va="center", fontsize=20,
                color=BLUE)
        ax.text(x + 0.44, y + 0.22, standard, ha="center", va="center", fontsize=14, color=INK)
    ax.set_title("客服代表的声音标准（六项）", fontsize=14, loc="left")
    fig.text(0.01, -0.03, "亲切而不做作，干脆而不冰冷；说第一遍和说第一百遍，语气应当一样。",
             fontsize=10.5, color="#555555")
    return Chart(fig, "声音标准")


# --------------------------------------------------------------------------- 电话礼仪


def call_timeline(hold_seconds: int = 60) -> Chart:
    """An inbound call with a hold: answer at the first ring, report every 15 s."""
    if hold_seconds < 15:
        raise ValueError("hold_seconds must be at least 15")
    fig = new_figure(8.6, 3.0)
    ax = fig.add_subplot()
    start = 10  # seconds of conversation before the hold
    end = start + hold_seconds
    total = end + 12
    ax.plot([0, total], [0, 0], color=GREY, linewidth=2, zorder=1)
    ax.plot([start, end], [0, 0], color=ORANGE, linewidth=7, alpha=0.35, zorder=2,
            solid_capstyle="butt")
    ax.annotate("", xy=(end, 0.22), xytext=(start, 0.22),
                arrowprops=dict(arrowstyle="<->", color=ORANGE, linewidth=1.2))
    ax.text((start + end) / 2, 0.3, f"客户在线等待（保持）{hold_seconds} 秒", ha="center",
            va="bottom", fontsize=11, color=ORANGE)
    events = [(0, "铃响一声内接听\n“您好，……”", BLUE),
              (start, "说明原因、征得同意\n“请您稍等，好吗？”", BLUE)]
    for t in range(start + 15, end, 15):
        events.append((t, f"第 {t - start} 秒\n“正在帮您查询”", ORANGE))
    events.append((end, "回来先致谢\n“让您久等了”", GREEN))
    events.append((total, "客户挂机后\n再挂机", GREEN))
    for i, (t, label, colour) in enumerate(events):
        ax.scatter([t], [0], s=70, color=colour, zorder=3)
        depth = -0.12 if i % 2 == 0 else -0.52
        if i % 2:
            ax.plot([t, t], [-0.05, depth + 0.02], color=colour, linewidth=0.8, zorder=1)
        ax.text(t, depth, label, ha="center", va="top", fontsize=9.5, color=INK)
    ax.set_xlim(-8, total + 8)
    ax.set_ylim(-0.82, 0.5)
    ax.axis("off")
    ax.set_title("一通需要查询的来电：等待时每 15 秒向客户通报一次进展", fontsize=13, loc="left")
    return Chart(fig, "通话时间线")


CHARTS = {
    "customers_leave": customers_leave,
    "complaint_iceberg": complaint_iceberg,
    "complaint_outcomes": complaint_outcomes,
    "voice_standards": voice_standards,
    "call_timeline": call_timeline,
}
