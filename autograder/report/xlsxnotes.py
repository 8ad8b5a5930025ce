"""The last sheets of ``scores.xlsx``: 图表 (the export's PNG charts) and 说明 (how to read it all)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .table import SMALL_SAMPLE
from .xlsxstyle import BOLD, FONT, print_setup, put

if TYPE_CHECKING:  # pragma: no cover
    from .table import ScoreTable

__all__ = ["charts_sheet", "notes_sheet", "NOTES", "CHART_TITLES"]


CHART_TITLES = {"score_distribution.png": "各章成绩分布", "difficulty_discrimination.png": "题目难度与区分度",
                "top_rules.png": "改写题最常出现的问题"}


def charts_sheet(ws: Worksheet, charts: dict[str, Path]):
    try:
        from openpyxl.drawing.image import Image
    except ImportError:  # pragma: no cover - Pillow missing
        return
    row = 1
    for name, path in charts.items():
        put(ws, row, 1, f"{CHART_TITLES.get(name, name)}（{name}）", font=BOLD)
        try:
            img = Image(str(path))
        except Exception:  # pragma: no cover - an unreadable PNG
            continue
        scale = min(1.0, 900 / max(img.width, 1))
        img.width, img.height = int(img.width * scale), int(img.height * scale)
        ws.add_image(img, f"A{row + 1}")
        row += int(img.height / 20) + 4
    print_setup(ws, "图表", "1:1", landscape=False)


NOTES = [
    ("成绩", "与 scores.csv 相同：每名学生一行（按学号排序），每题得分、每章合计、每章状态和总分。"),
    ("状态", "未提交、文件无法读取、有题目无法读取、待人工评分、已评分。无法读取和待人工评分同时存在时两个都列出，"
           "例如“有题目无法读取、待人工评分”：筛选时请用“包含”。"),
    ("未提交", "没有提交这一章，或提交里缺少该 notebook：得分格留空（不是 0 分），合计留空，不计入平均分。"),
    ("文件无法读取", "整份 notebook 无法读取（文件损坏、不是本作业的文件等），各题按 0 分计；"
                   "在 formgrader 里人工给分后不再标记。详见“需关注”。"),
    ("有题目无法读取", "文件读取正常，但有的题答案无法读取（例如填了不存在的选项），这些题按 0 分计，其余题照常计分；"
                    "在 formgrader 里人工给分后不再标记。详见“需关注”。"),
    ("待人工评分", "简答题等需要人工评分、尚未评分的题：得分格留空，合计暂不含这些题。"),
    ("总分", "各章合计之和；未提交的章不计分。迟交扣分（如有）已从该章合计中扣除。"),
    ("难度 p", "平均分 ÷ 满分。p > 0.7 为易，0.3–0.7 为中，p < 0.3 为难。"),
    ("区分度 D", "按本章总分取前 27% 为高分组、后 27% 为低分组：(高分组平均 − 低分组平均) ÷ 满分。"
                "D ≥ 0.4 优，0.3–0.39 良，0.2–0.29 尚可（宜修改），< 0.2 差（应修改或淘汰）。"),
    ("点二列相关 r", "本题得分与本章其余各题总分的相关系数（校正后的题总相关），为负说明题目可能有问题。"),
    ("选项分布", "选择每个选项的人数（多选题每个选中的字母各计一次），绿色为正确答案。"),
    ("需要检查", "区分度为负；某个干扰项无人选择（作答人数 ≥ 10 时）；正确选项的人数少于某个干扰项。"),
    ("信度 α", "Cronbach α（0/1 计分时即 KR-20），用本章所有学生都有分数的题目计算（不含待人工评分的题）。"),
    ("统计范围", "题目分析不含未提交和整份无法读取的学生；平均分、及格率等按实交人数计算。"),
    ("样本量", f"参与统计的学生少于 {SMALL_SAMPLE} 人时，难度、区分度等题目统计很不稳定，仅供参考；"
             "“题目分析”表下方会注明。"),
    ("改写规则", "对每份改写题作答重新运行规则检查：每条规则在几份作答中出现（缺少的要素也计入），并给出一份示例作答。"
                "通话题的每一句也这样统计；整通电话的规则（顺序、禁语、前后一致）另外计一份，类型为“整通电话”。"),
    ("通话逐句", "通话题在成绩表中是一列（整题得分）；“通话逐句”表列出每名学生每一句的得分和整通电话的问题，"
                "“题目分析”在通话题下面逐句给出难度和区分度（每句满分按 1 计）。"),
    ("打印", "“成绩”表列很多，缩到一页宽会很小：打印请用“总表”和各章工作表（A4 横向，一页宽，每页重复表头）。"),
    ("公式安全", "学生写的文字若以 = + - @ 等开头，前面加了一个单引号 '，防止被表格软件当作公式执行。"),
]


def notes_sheet(ws: Worksheet, table: "ScoreTable"):
    put(ws, 1, 1, f"{table.course_id}：成绩导出说明", font=Font(name=FONT, bold=True, size=13))
    for i, (k, v) in enumerate(NOTES, start=3):
        put(ws, i, 1, k, font=Font(name=FONT, bold=True), alignment=Alignment(vertical="top"))
        put(ws, i, 2, v, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    print_setup(ws, "说明", "1:1")
