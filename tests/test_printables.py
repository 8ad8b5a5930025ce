"""Rendering the role-play material: notebook HTML, standalone printable pages, PDF.

The slow tests open the pages in Debian's Chromium (Playwright, executable_path)
on a machine with no Chinese system font, and ask Chromium which fonts it drew
each element's text with: only the embedded Noto Sans SC subset may appear, so
no character fell back to a missing-glyph box.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from autograder import cli
from helpers import chromium
from autograder.teaching.printables import CHROMIUM, FONT_FAMILY, print_pdf, reference_html, roleplay_html, scripts_html, write_printables
from autograder.teaching.roleplay import CHAPTERS, course_dir, load_reference, load_roleplay, load_scripts

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "printables"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("printables")
    return out, write_printables(out)


def _text(fragment: str) -> str:
    return unescape(re.sub(r"<[^>]*>", "", re.sub(r"<style>.*?</style>", "", fragment, flags=re.S)))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_html_shows_every_card_and_every_line(chapter):
    cards, scripts = roleplay_html(chapter), scripts_html(chapter)
    shown = _text(cards) + _text(scripts)
    for card in load_roleplay(chapter).cards:
        assert card.title in shown and card.customer.situation in shown
        assert all(i.text in shown for i in card.observer)
    for script in load_scripts(chapter).scripts:
        for line in script.good + script.bad:
            assert (line.say or line.act) in shown
            assert line.note in shown
    assert "客户卡" in shown and "坐席卡" in shown and "观察员清单" in shown


def test_reference_html_pairs_each_phrase_with_its_better_wording():
    html = reference_html()
    for item in load_reference().phrases():
        row = re.search(re.escape(f"× {item.say}") + r".*?</tr>", unescape(html), re.S)
        assert row and item.better in row.group(0) and item.rule in row.group(0), item.say


def test_text_from_the_data_is_escaped(tmp_path):
    base = tmp_path / "course"
    for folder in ("roleplay", "scripts", "reference"):
        shutil.copytree(course_dir() / folder, base / folder)
    path = base / "roleplay" / "ch2_smile.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("同一个问题问了三遍", "<img src=x onerror=alert(1)>", 1),
                    encoding="utf-8")
    html = roleplay_html("ch2_smile", base)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_unknown_rule_id_on_a_checklist_is_an_error(tmp_path):
    base = tmp_path / "course"
    for folder in ("roleplay", "scripts", "reference"):
        shutil.copytree(course_dir() / folder, base / folder)
    path = base / "roleplay" / "ch1_telephone.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rule: outbound_opening.confirm", "rule: outbound.confirm"),
                    encoding="utf-8")
    with pytest.raises(KeyError, match="outbound.confirm"):
        roleplay_html("ch1_telephone", base)


def test_a_notebook_in_course_finds_the_data_next_to_it(tmp_path, monkeypatch):
    # the notebook's working directory is course/: the cells pass no path
    base = tmp_path / "course"
    for folder in ("roleplay", "scripts", "reference"):
        shutil.copytree(course_dir() / folder, base / folder)
    monkeypatch.chdir(base)
    assert course_dir() == base
    assert load_roleplay("ch4_price").path.parent == base / "roleplay"


def test_show_functions_return_notebook_html():
    from IPython.display import HTML

    from autograder.teaching.printables import show_reference, show_roleplay, show_scripts

    for shown in (show_roleplay("ch3_complaint"), show_scripts("ch3_complaint"), show_reference()):
        assert isinstance(shown, HTML) and "kefu-pp" in shown.data


@pytest.mark.slow
def test_printable_pages_embed_a_font_holding_every_character_shown(pages):
    from fontTools.ttLib import TTFont
    import base64

    out, written = pages
    assert {p.name for p in written} == {"reference_card"} | {f"{c}_{k}" for c in CHAPTERS for k in ("roleplay", "scripts")}
    for p in written:
        html = p.html.read_text(encoding="utf-8")
        face = re.search(r"font-family:'%s';src:url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)" % FONT_FAMILY, html)
        assert face, p.name
        cmap = TTFont(io.BytesIO(base64.b64decode(face.group(1)))).getBestCmap()
        body = html[html.index("<body>"):]
        shown = set(_text(body)) - set("\n\r\t")
        missing = sorted(c for c in shown if ord(c) not in cmap and not c.isspace())
        assert not missing, (p.name, missing)
    assert (out / "index.html").is_file()


@pytest.mark.slow
def test_print_cards_command_writes_the_pages(tmp_path, capsys):
    assert cli.main(["print-cards", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "reference_card.html").is_file()
    assert "wrote" in capsys.readouterr().out


def test_print_cards_reports_a_missing_course_folder(tmp_path, capsys):
    assert cli.main(["print-cards", "--out", str(tmp_path / "out"), "--course", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith("出错（error）：")


@pytest.mark.cli
def test_importing_autograder_does_not_load_the_renderers():
    code = ("import sys, autograder; from autograder import check; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython','fontTools','yaml') "
            "or m in ('autograder.teaching.printables','autograder.teaching.roleplay')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "printables" not in out and "roleplay" not in out and "IPython" not in out and "fontTools" not in out


# --------------------------------------------------------------------------- real Chromium

def _need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` (or apt-get install chromium) installs it")


@pytest.mark.browser
@pytest.mark.slow
def test_pages_draw_every_character_with_the_embedded_font_in_chromium(pages):
    _need_chromium()
    out, written = pages
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:  # the pages' own embedded font only: no fontconfig added
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        for p in written:
            page.goto(p.html.as_uri())
            page.evaluate("document.fonts.ready")
            status = page.evaluate(
                f"[...document.fonts].filter(f => f.family.includes('{FONT_FAMILY}')).map(f => f.status)")
            assert status == ["loaded"], (p.name, status)
            page.screenshot(path=str(ARTIFACTS / f"{p.name}.png"))
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "body *"})["nodeIds"]
            used: dict[str, int] = {}
            for node in nodes:
                for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                    key = f"{font['familyName']} (custom={font['isCustomFont']})"
                    used[key] = used.get(key, 0) + font["glyphCount"]
            assert used, p.name
            fallbacks = {k: v for k, v in used.items() if "custom=True" not in k}
            assert not fallbacks, (p.name, fallbacks)


@pytest.mark.browser
@pytest.mark.slow
def test_a_page_prints_to_pdf_with_the_font_embedded(pages, tmp_path):
    _need_chromium()
    out, written = pages
    pdf = print_pdf(out / "reference_card.html", tmp_path / "reference_card.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    # the glyphs travel inside the PDF: Skia embeds the CFF font as a Type 3 font
    # (outlines drawn by the PDF itself) or as a font file
    assert b"/FontFamily (Noto Sans SC)" in data
    assert re.search(rb"/Subtype /Type3|/FontFile[23]?\b", data)
    assert b"DejaVu" not in data  # and no character fell back to another font
