"""The self-check as a student meets it: the zh-CN menu's words, short answers, tidy messages, a hidden call."""
from __future__ import annotations

import json
from pathlib import Path

from autograder.grading.selfcheck import _tidy, check_answers

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source" / "ch1_telephone" / "ch1_telephone.ipynb"


def _zh_cn(message: str) -> str:
    import jupyterlab_language_pack_zh_CN as pack

    catalog = Path(pack.__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / "jupyterlab.json"
    return json.loads(catalog.read_text(encoding="utf-8"))[message][0]


def _cells() -> list[dict]:
    return json.loads(SOURCE.read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_instructions_use_the_menu_words_of_the_chinese_language_pack():
    menu = f"{_zh_cn('Run')} → {_zh_cn('Run All Cells')}"
    texts = [_src(c) for c in _cells() if c["cell_type"] == "markdown"]
    assert any(menu in t for t in texts)
    assert not any("运行全部单元格" in t for t in texts)


def test_self_check_call_is_hidden_and_lists_the_short_answer():
    cell = next(c for c in _cells() if c["metadata"]["nbgrader"]["grade_id"].endswith("_selfcheck"))
    assert cell["metadata"]["jupyter"]["source_hidden"] is True
    public = json.loads(_src(cell).split("self_check(", 1)[1].rsplit(")", 1)[0])
    shorts = {v: i for v, i in public.items() if i["type"] == "short"}
    assert shorts and all(i["cell"].endswith("_answer") for i in shorts.values())
    assert not any("key" in i or "model" in json.dumps(i) for i in public.values())


def _release_like(text: str) -> tuple[dict, dict]:
    nb = json.loads(SOURCE.read_text(encoding="utf-8"))
    public = {}
    for c in nb["cells"]:
        if c["metadata"]["nbgrader"]["grade_id"].endswith("_selfcheck"):
            public = json.loads(_src(c).split("self_check(", 1)[1].rsplit(")", 1)[0])
    var, info = next((v, i) for v, i in public.items() if i["type"] == "short")
    for c in nb["cells"]:
        if c["metadata"]["nbgrader"]["grade_id"] == info["cell"]:
            c["source"] = text
    return {var: info}, nb


def test_an_empty_short_answer_is_reminded():
    stub = "（请在这里作答：双击本格即可编辑，写完按 Shift+Enter。）"
    for text in (stub, "", "  \n"):
        public, nb = _release_like(text)
        [row] = check_answers(public, [], nb)
        assert row.status == "empty" and "还没有作答" in row.message


def test_a_written_short_answer_is_acknowledged_without_judging_it():
    public, nb = _release_like("接电话要在铃响三声内接起，先问候再报公司名和工号。")
    [row] = check_answers(public, [], nb)
    assert row.status == "ok" and "人工评分" in row.message


def test_without_the_saved_file_the_short_answer_is_a_reminder_not_an_error():
    public, _ = _release_like("")
    [row] = check_answers(public, [])
    assert row.status == "info" and "保存" in row.message


def test_messages_have_no_doubled_punctuation():
    assert _tidy("请说“您好？”。；下一条。") == "请说“您好？”下一条。"
    assert _tidy("缺少问候。；缺少工号。") == "缺少问候。缺少工号。"
    public = {"第1题": {"type": "rewrite", "scenario": "opening", "bad": "喂，你找谁？"}}
    [row] = check_answers(public, ['第1题 = "喂，你找谁？嗯"'])
    assert row.status == "error"
    for doubled in ("。；", "？”。", "。。", "；；", "；。"):
        assert doubled not in row.message, row.message


def test_the_released_notebook_keeps_the_call_hidden(released_course):
    released = json.loads((released_course / "release" / "ch1_telephone" / "ch1_telephone.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in released["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id", "").endswith("_selfcheck"))
    assert cell["metadata"]["jupyter"]["source_hidden"] is True
