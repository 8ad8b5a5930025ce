"""The course notebooks: stored clean, complete, Simplified Chinese, and run top to bottom in a fresh kernel.

The committed .ipynb files are generated from their text sources,
``course/src/*.md`` (``python -m autograder build``; see
tests/test_coursenotebooks.py), without outputs.
"""
from __future__ import annotations

import re
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path

import nbformat
import pytest

COURSE = Path(__file__).resolve().parents[1] / "course"
CHAPTERS = {
    "ch1_telephone": "电话礼仪",
    "ch2_smile": "微笑服务",
    "ch3_complaint": "投诉处理",
    "ch4_price": "价格异议",
}
INDEX = "00_index"
NOTEBOOKS = [INDEX, *CHAPTERS]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Facts, figures and procedures from the seeds each chapter must teach.
MUST_MENTION = {
    "ch1_telephone": ["铃响一声", "15 秒", "120 字", "不超过 3 次", "方便接听", "客户挂机后再挂机",
                      "转接", "十字用语", "礼节", "礼貌", "宜", "忌", "6 声",
                      "标准普通话", "直呼", "推诿", "私人电话", "闲聊", "故障申告", "大面积故障",
                      "非工作时间", "业务受理", "工单", "核实对方身份", "主动回拨", "对每一次通话"],
    "ch2_smile": ["小镜子", "发自内心", "排除烦恼", "胸怀", "感情上的沟通", "耐心", "专心", "用心",
                  "关心", "自信", "说一遍和说一百遍", "开放式提问", "不追问“为什么”", "“是吗”",
                  "口头语", "暖语", "冷语", "撞语", "辩语", "“谢谢”"],
    "ch3_complaint": ["先安抚情绪，后处理问题", "45%", "4%", "96%", "90%", "8～16", "98%", "20 人以上",
                      "跟踪回访", "不把电话转来转去", "文明用语", "凭证", "主管", "两个工作日内",
                      "本课程要求", "约 **10 人**", "100%", "80%", "1 分钟", "70%", "关键时刻",
                      "明示需求", "暗示需求", "我们的规定是", "请诚实回答", "回访电话", "请问您有什么建议"],
    "ch4_price": ["15%", "这样的价格还嫌贵", "您是不是真的想要", "从不打折", "先看看", "说理比较",
                  "折扣不是万能的", "质量、服务和品牌", "电话里", "开场白", "说“是”", "成交的余地",
                  "发个报价", "不轻易放弃"],
}


def load(name: str):
    return nbformat.read(COURSE / f"{name}.ipynb", as_version=4)


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


# --------------------------------------------------------------------------- stored form


def test_course_has_the_index_and_four_chapters():
    found = sorted(p.stem for p in COURSE.glob("*.ipynb"))
    assert found == sorted(NOTEBOOKS)
    for name in NOTEBOOKS:
        assert (COURSE / "practice" / f"{name}.yaml").is_file()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_is_valid_and_has_no_outputs(name):
    nb = load(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, (f"{name}.ipynb has outputs or execution counts in cells {dirty}: run "
                       f"`python -m autograder build` to regenerate it from course/src/{name}.md")
    for c in nb.cells:
        assert "widgets" not in c.get("metadata", {}) and not c.get("attachments")
    assert "widgets" not in nb.metadata, "saved widget state: clear outputs and widget state"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_text_is_simplified_chinese(name):
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    text = markdown(load(name)) + "\n".join(c.source for c in code_cells(load(name)))
    text += (COURSE / "practice" / f"{name}.yaml").read_text(encoding="utf-8")
    traditional = sorted({a for a, b in zip(text, to_simplified.convert(text)) if a != b})
    assert not traditional, f"Traditional characters in {name}: {''.join(traditional)}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_code_cells_are_short_and_friendly(name):
    for c in code_cells(load(name)):
        lines = [line for line in c.source.splitlines() if line.strip()]
        assert len(lines) <= 5, f"code cell too long for non-programmers:\n{c.source}"
        assert "def " not in c.source and "class " not in c.source


# --------------------------------------------------------------------------- required parts


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_chapter_has_required_parts(name):
    nb = load(name)
    md = markdown(nb)
    code = "\n".join(c.source for c in code_cells(nb))
    title = CHAPTERS[name]

    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert title in nb.cells[0].source.splitlines()[0]
    objectives = re.search(r"^## 学习目标\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    assert objectives and len(re.findall(r"^\d+\. ", objectives.group(1), re.M)) >= 4
    assert re.search(r"^## 本章小结", md, re.M)
    # worked examples of bad and good phrasing
    assert re.search(r"^\| *错误说法 *\| *(规范说法 *\| *为什么|错在哪里) *\|", md, re.M)
    assert re.search(r"^\| *错误说法 *\| *规范说法 *\| *为什么 *\|", md, re.M)
    # procedures as numbered steps
    assert len(re.findall(r"^\d+\. ", md, re.M)) >= 10
    # a chart, at least one quiz and one sandbox
    assert re.search(r"^charts\.\w+\(", code, re.M)
    quizzes = re.findall(r'^练习\.quiz\("(\w+)"\)', code, re.M)
    sandboxes = re.findall(r'^练习\.sandbox\("(\w+)"\)', code, re.M)
    assert quizzes and sandboxes and len(quizzes) + len(sandboxes) >= 2
    assert f'load_practice("{name}")' in code
    # the pointer to the exercise assignment of the same name
    homework = re.search(r"^## 课后作业\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    assert homework and f"`{name}`" in homework.group(1) and "nbgrader" in homework.group(1)


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_chapter_teaches_the_seed_facts(name):
    md = markdown(load(name))
    missing = [fact for fact in MUST_MENTION[name] if fact not in md]
    assert not missing, f"{name} does not mention: {missing}"


def test_outbound_and_profanity_are_in_their_chapters():
    ch1, ch3 = markdown(load("ch1_telephone")), markdown(load("ch3_complaint"))
    assert "询问是否方便" in ch1 and "外呼" in ch1
    assert "辱骂" in ch3 and "将不得不结束通话" in ch3


def test_index_gives_order_and_widget_instructions():
    md = markdown(load(INDEX))
    positions = [md.index(f"{name}.ipynb") for name in CHAPTERS]
    assert positions == sorted(positions), "chapters listed in order"
    for words in ("提交答案", "检查", "看参考说法", "检查整通电话", "看参考通话", "运行所有单元格", "Shift + Enter",
                  "nbgrader", "中文"):
        assert words in md


def test_notebooks_reference_existing_practice_items():
    from autograder.widgets import load_practice

    for name in NOTEBOOKS:
        book = load_practice(name, base=COURSE)
        code = "\n".join(c.source for c in code_cells(load(name)))
        for quiz_id in re.findall(r'\.quiz\("(\w+)"\)', code):
            book.get_quiz(quiz_id)
        for sandbox_id in re.findall(r'\.sandbox\("(\w+)"\)', code):
            book.get_sandbox(sandbox_id)
        for call_id in re.findall(r'\.call\("(\w+)"\)', code):
            book.get_call(call_id)
        # every practice item is used somewhere
        used = set(re.findall(r'\.(?:quiz|sandbox|call)\("(\w+)"\)', code))
        assert used == set(book.quizzes) | set(book.sandboxes) | set(book.calls), name


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_every_chapter_has_a_call_sandbox(name):
    code = "\n".join(c.source for c in code_cells(load(name)))
    calls = re.findall(r'^练习\.call\("(\w+)"\)', code, re.M)
    assert calls, f"{name} has no call sandbox (练习.call(\"…\"))"


def test_price_chapter_is_set_on_the_phone():
    """A call-centre course: the price-objection examples are phone calls, not a shop floor."""
    text = markdown(load("ch4_price")) + (COURSE / "practice" / "ch4_price.yaml").read_text(encoding="utf-8")
    shop_floor = [w for w in ("导购", "柜台", "店里", "服装店", "鞋店", "商场", "就走了", "进店") if w in text]
    assert not shop_floor, f"shop-floor framing in chapter 4: {shop_floor}"
    assert text.count("电话") >= 10


# --------------------------------------------------------------------------- execution in a fresh kernel

_EXECUTED: dict[str, object] = {}


def executed(name: str):
    """The notebook run top to bottom in a fresh python3 kernel, cwd = course/ (cached per run)."""
    if name not in _EXECUTED:
        from nbclient import NotebookClient

        nb = load(name)
        client = NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=False,
                                resources={"metadata": {"path": str(COURSE)}})
        client.execute()
        _EXECUTED[name] = nb
    return _EXECUTED[name]


@pytest.mark.kernel
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes_in_a_fresh_kernel(name):
    nb = executed(name)
    for c in code_cells(nb):
        for out in c.outputs:
            assert out.output_type != "error", out
            if out.output_type == "stream" and out.name == "stderr":
                pytest.fail(f"{name}: output on stderr in cell\n{c.source}\n---\n{out.text}")


@pytest.mark.kernel
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_executed_widgets_and_charts_display(name):
    nb = executed(name)
    for c in code_cells(nb):
        src = c.source
        data = [out.get("data", {}) for out in c.outputs if out.output_type == "execute_result"]
        if re.search(r"\.(quiz|sandbox|call)\(", src):
            assert any(WIDGET_MIME in d for d in data), f"no widget shown by:\n{src}"
        if re.search(r"^charts\.\w+\(", src, re.M):
            assert any("image/png" in d for d in data), f"no chart shown by:\n{src}"


# --------------------------------------------------------------------------- the environment


def test_jupyterlab_chinese_language_pack_is_installed():
    module = import_module("jupyterlab_language_pack_zh_CN")
    locale = Path(module.__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / "jupyterlab.json"
    assert locale.is_file()
    packs = {ep.name: ep.value for ep in entry_points(group="jupyterlab.languagepack")}
    assert packs.get("zh_CN") == "jupyterlab_language_pack_zh_CN"


def test_widget_extension_for_jupyterlab_is_installed():
    import jupyterlab_widgets  # the front-end half of ipywidgets for JupyterLab 4

    assert jupyterlab_widgets.__version__.startswith("3.")
