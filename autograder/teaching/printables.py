"""Role-play cards, model call scripts and the 禁语 reference card as HTML.

In a chapter notebook::

    from autograder.printables import show_roleplay, show_scripts, show_reference
    show_roleplay("ch1_telephone")

For the instructor's hand-outs, ``python -m autograder print-cards --out DIR``
writes standalone pages (:func:`write_printables`): one HTML file per hand-out
with a subset of Noto Sans SC embedded as a base64 ``@font-face``, so they print
with Chinese glyphs on a machine with no Chinese font, and, with ``--pdf``, a
PDF of each printed by headless Chromium.

Nothing here is imported by ``import autograder``; IPython, fontTools and the
rule engine are imported when a function runs.  Every piece of text from the
data files is HTML-escaped.
"""
from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .roleplay import (CHAPTERS, CallLine, CallScript, ReferenceCard, RolePlayCard, course_dir, load_reference,
                       load_roleplay, load_scripts)

__all__ = [
    "roleplay_html", "scripts_html", "reference_html", "show_roleplay", "show_scripts", "show_reference",
    "page_html", "write_printables", "print_pdf", "Printable", "FONT_FAMILY", "CHROMIUM",
]

FONT_FAMILY = "KefuNotoSansSC"
CHROMIUM = Path("/usr/bin/chromium")
_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))

_CSS = """
.kefu-pp{font-size:14px;line-height:1.65;color:#222;max-width:980px}
.kefu-pp h3{margin:1.2em 0 .4em;font-size:1.15em}
.kefu-pp h4{margin:.8em 0 .3em;font-size:1.02em}
.kefu-pp table{border-collapse:collapse;width:100%;margin:.4em 0 1em}
.kefu-pp table th,.kefu-pp table td{border:1px solid #ccc;padding:4px 8px;text-align:left!important;vertical-align:top}
.kefu-pp th{background:#f3f5f8}
.kefu-pp .card{border:2px solid #9aa9bd;border-radius:6px;padding:8px 12px;margin:0 0 14px;break-inside:avoid}
.kefu-pp .part{border:1px dashed #9aa9bd;border-radius:4px;padding:6px 10px;margin:6px 0;break-inside:avoid}
.kefu-pp .part b.tag{display:inline-block;background:#2f6db5;color:#fff;border-radius:3px;padding:0 6px;margin-right:6px}
.kefu-pp .part.agent b.tag{background:#2e8b57}
.kefu-pp .part.observer b.tag{background:#8a5a00}
.kefu-pp .who{white-space:nowrap;font-weight:bold;width:3.5em}
.kefu-pp .agent-line{background:#f7fbf8}
.kefu-pp .act{color:#555;font-style:italic}
.kefu-pp .ok{color:#2e8b57}
.kefu-pp .bad{color:#c0392b}
.kefu-pp .rule{color:#777;font-size:.85em;font-family:monospace}
.kefu-pp .say-bad{color:#c0392b}
.kefu-pp .box{display:inline-block;width:.9em;height:.9em;border:1px solid #555;margin-right:6px;vertical-align:-2px}
.kefu-pp ul{margin:.2em 0 .2em 1.3em;padding:0}
"""

_PRINT_CSS = """
@page{size:A4;margin:14mm 12mm}
body{margin:0}
.kefu-pp{max-width:none}
.kefu-pp .card{break-before:page}
.kefu-pp .card:first-of-type{break-before:auto}
.kefu-pp .script{break-before:page}
.kefu-pp .script:first-of-type{break-before:auto}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _rule_catalogue() -> dict[str, str]:
    """Rule id → the title of the family or scenario that holds it, from the rule packs."""
    from ..engine import engine
    from ..engine.schema import load_yaml

    titles = {s.key: s.title for s in engine.scenarios()}
    out = {}
    for rule in engine.rules():
        if rule.family not in titles:
            titles[rule.family] = load_yaml(engine.RULES_DIR / f"{rule.family}.yaml").get("title", rule.family)
        out[rule.id] = titles[rule.family]
    return out


def _rule_tag(rule: str | None, catalogue: dict[str, str]) -> str:
    if not rule:
        return ""
    if rule not in catalogue:
        raise KeyError(f"unknown rule id {rule!r} (not in autograder/engine/rules)")
    return f'<span class="rule" title="{_e(catalogue[rule])}">{_e(rule)}</span>'


def _wrap(body: str) -> str:
    return f'<div class="kefu-pp"><style>{_CSS}</style>{body}</div>'


# --------------------------------------------------------------------------- role-play cards

def _card_html(card: RolePlayCard, catalogue: dict[str, str]) -> str:
    c, a = card.customer, card.agent
    lines = "".join(f"<li>“{_e(x)}”</li>" for x in c.lines)
    cons = "".join(f"<li>{_e(x)}</li>" for x in a.constraints)
    checks = "".join(f'<li style="list-style:none;margin-left:-1.1em"><span class="box"></span>{_e(i.text)} '
                     f'{_rule_tag(i.rule, catalogue)}</li>' for i in card.observer)
    return (f'<section class="card" id="{_e(card.id)}"><h3>情景演练卡：{_e(card.title)}</h3>'
            f'<div class="part customer"><b class="tag">客户卡</b>'
            f'<p><b>情境：</b>{_e(c.situation)}</p><p><b>情绪：</b>{_e(c.mood)}</p>'
            f'<p><b>你想要：</b>{_e(c.wants)}</p><p><b>你可能会说：</b></p><ul>{lines}</ul></div>'
            f'<div class="part agent"><b class="tag">坐席卡</b>'
            f'<p><b>目标：</b>{_e(a.goal)}</p><p><b>要求：</b></p><ul>{cons}</ul></div>'
            f'<div class="part observer"><b class="tag">观察员清单</b>'
            f'<span style="color:#777">（做到了就打勾；右侧是对应的检查规则）</span><ul>{checks}</ul></div>'
            f'</section>')


def roleplay_html(chapter: str, base: str | Path | None = None) -> str:
    """A chapter's 情景演练卡 as an HTML fragment."""
    data = load_roleplay(chapter, base)
    catalogue = _rule_catalogue()
    intro = ("<p>三人一组：一人演客户（只看客户卡），一人演坐席（只看坐席卡），一人当观察员，"
             "对照清单打勾，演完后先说做得好的地方，再说一处可以改进的地方。然后轮换角色。</p>")
    return _wrap(intro + "".join(_card_html(c, catalogue) for c in data.cards))


# --------------------------------------------------------------------------- call scripts

def _line_rows(lines: tuple[CallLine, ...], good: bool, scenarios: dict[str, str]) -> str:
    rows = []
    for ln in lines:
        who = "坐席" if ln.who == "agent" else "客户"
        words = f'<span class="act">（{_e(ln.act)}）</span>' if ln.act else _e(ln.say or "")
        note = ""
        if ln.who == "agent":
            mark = '<span class="ok">✓</span>' if good else '<span class="bad">×</span>'
            scen = f'<br><span class="rule">场景：{_e(scenarios[ln.scenario])}（{_e(ln.scenario)}）</span>' \
                if ln.scenario else ""
            flags = f'<br><span class="rule">{_e("、".join(ln.flags))}</span>' if ln.flags else ""
            note = f"{mark} {_e(ln.note)}{scen}{flags}"
        cls = ' class="agent-line"' if ln.who == "agent" else ""
        say_cls = ' class="say-bad"' if (not good and ln.who == "agent" and ln.say) else ""
        rows.append(f'<tr{cls}><td class="who">{who}</td><td{say_cls}>{words}</td><td>{note}</td></tr>')
    head = "这句话遵循的规则" if good else "错在哪里"
    return f'<table><tr><th>谁</th><th>说什么 / 做什么</th><th>{head}</th></tr>{"".join(rows)}</table>'


def _script_html(script: CallScript, scenarios: dict[str, str]) -> str:
    return (f'<section class="script" id="{_e(script.id)}"><h3>示范通话：{_e(script.title)}</h3>'
            f'<p><b>情境：</b>{_e(script.situation)}</p>'
            f'<h4 class="ok">✓ 规范的通话</h4>{_line_rows(script.good, True, scenarios)}'
            f'<h4 class="bad">× 同一通电话，做得不好</h4>{_line_rows(script.bad, False, scenarios)}</section>')


def scripts_html(chapter: str, base: str | Path | None = None) -> str:
    """A chapter's model call scripts (good call, then the same call done badly)."""
    from ..engine import engine

    data = load_scripts(chapter, base)
    scenarios = {s.key: s.title for s in engine.scenarios()}
    intro = ("<p>先读规范的通话，说说每一句为什么这样说；再读做得不好的版本，找出每一句的问题，"
             "然后两人一组把规范的通话演一遍。</p>")
    return _wrap(intro + "".join(_script_html(s, scenarios) for s in data.scripts))


# --------------------------------------------------------------------------- reference card

def _reference_body(card: ReferenceCard, catalogue: dict[str, str]) -> str:
    parts = [f"<h3>{_e(card.title)}</h3><p>{_e(card.intro)}</p>"]
    for section in card.sections:
        rows = []
        for cat in section.categories:
            for n, item in enumerate(cat.items):
                label = (f'<td rowspan="{len(cat.items)}"><b>{_e(cat.label)}</b><br>'
                         f'<span style="color:#666">{_e(cat.why)}</span></td>') if n == 0 else ""
                rows.append(f'<tr>{label}<td class="say-bad">× {_e(item.say)}</td>'
                            f'<td class="ok">✓ {_e(item.better)}</td><td>{_rule_tag(item.rule, catalogue)}</td></tr>')
        parts.append(f'<h4>{_e(section.title)}</h4><table><tr><th style="width:18%">类别</th>'
                     f'<th>不能说</th><th>可以说</th><th style="width:14%">检查规则</th></tr>{"".join(rows)}</table>')
    rows = []
    for n, t in enumerate(card.taboos, 1):
        example = (f'<span class="say-bad">“{_e(t.example)}”</span> {_rule_tag(t.rule, catalogue)}'
                   if t.example else "")
        rows.append(f"<tr><td>{n}</td><td>{_e(t.dont)}</td><td>{_e(t.instead)}</td><td>{example}</td></tr>")
    parts.append(f'<h4>{_e(card.taboos_title)}</h4><p>{_e(card.taboos_why)}</p>'
                 f'<table><tr><th>#</th><th>不要这样做</th><th>应该这样做</th><th>说出来的例子</th></tr>'
                 f'{"".join(rows)}</table>')
    return "".join(parts)


def reference_html(base: str | Path | None = None) -> str:
    """The 服务禁语 / 容易激怒客户的说法 / 服务禁忌 reference card."""
    return _wrap(_reference_body(load_reference(base), _rule_catalogue()))


# --------------------------------------------------------------------------- notebook display

def _display(fragment: str):
    from IPython.display import HTML

    return HTML(fragment)


def show_roleplay(chapter: str, base: str | Path | None = None):
    """The chapter's 情景演练卡 for a notebook cell."""
    return _display(roleplay_html(chapter, base))


def show_scripts(chapter: str, base: str | Path | None = None):
    """The chapter's model call scripts for a notebook cell."""
    return _display(scripts_html(chapter, base))


def show_reference(base: str | Path | None = None):
    """The 禁语 reference card for a notebook cell."""
    return _display(reference_html(base))


# --------------------------------------------------------------------------- printable pages

@dataclass(frozen=True, slots=True)
class Printable:
    name: str  # file stem, e.g. ch1_telephone_roleplay
    title: str
    html: Path
    pdf: Path | None = None


def _subset_font(text: str) -> bytes:
    """Noto Sans SC cut down to the characters of ``text`` (plus ASCII), as OpenType."""
    import io

    from fontTools import subset

    from .fonts import font_path

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + _ASCII)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_face(font: bytes) -> str:
    data = base64.b64encode(font).decode("ascii")
    return (f"@font-face{{font-family:'{FONT_FAMILY}';src:url(data:font/otf;base64,{data}) format('opentype');"
            f"font-weight:100 900;font-display:block}}")


def page_html(title: str, fragment: str, font: bytes | None) -> str:
    """A standalone printable page; ``font`` (an OpenType subset) is embedded when given."""
    face = _font_face(font) if font else ""
    family = f"'{FONT_FAMILY}'," if font else ""
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{face}"
            f"html,body,.kefu-pp,.kefu-pp *{{font-family:{family}sans-serif !important}}"
            f"{_PRINT_CSS}</style></head><body>{fragment}</body></html>\n")


def _visible_text(fragment: str) -> str:
    """The characters a page shows (tags and the style block dropped), for the font subset."""
    import re
    from html import unescape

    body = re.sub(r"<style>.*?</style>", "", fragment, flags=re.S)
    return unescape(re.sub(r"<[^>]*>", "", body)) + "".join(
        unescape(m) for m in re.findall(r'title="([^"]*)"', body))


def _pages(base: str | Path | None) -> list[tuple[str, str, str]]:
    pages = [("reference_card", "服务禁语与替代说法（参考卡）", reference_html(base))]
    for chapter in CHAPTERS:
        rp, sc = load_roleplay(chapter, base), load_scripts(chapter, base)
        pages.append((f"{chapter}_roleplay", f"{rp.title} · 情景演练卡", roleplay_html(chapter, base)))
        pages.append((f"{chapter}_scripts", f"{sc.title} · 示范通话", scripts_html(chapter, base)))
    return pages


def write_printables(out: str | Path, base: str | Path | None = None, *, pdf: bool = False,
                     chromium: str | Path = CHROMIUM) -> list[Printable]:
    """Write every hand-out as a standalone HTML page (and a PDF with ``pdf``) into ``out``.

    One font subset covering all pages is embedded in each page.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pages = _pages(course_dir(base))
    text = "".join(_visible_text(f) + t for _, t, f in pages) + "客服礼仪课程讲义"
    font = _subset_font("".join(sorted(set(text))))
    written = []
    index_rows = []
    for name, title, fragment in pages:
        path = out / f"{name}.html"
        path.write_text(page_html(title, fragment, font), encoding="utf-8")
        pdf_path = None
        if pdf:
            pdf_path = print_pdf(path, out / f"{name}.pdf", chromium)
        written.append(Printable(name, title, path, pdf_path))
        link = f'<a href="{_e(path.name)}">{_e(title)}</a>'
        if pdf_path:
            link += f'（<a href="{_e(pdf_path.name)}">PDF</a>）'
        index_rows.append(f"<li>{link}</li>")
    index = out / "index.html"
    index.write_text(page_html("客服礼仪课程讲义", _wrap(f"<h3>客服礼仪课程讲义</h3><ul>{''.join(index_rows)}</ul>"),
                               font), encoding="utf-8")
    return written


def print_pdf(html: str | Path, pdf: str | Path, chromium: str | Path = CHROMIUM, timeout: float = 120) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium (the page carries its own font)."""
    exe = shutil.which(str(chromium)) or (str(chromium) if Path(chromium).exists() else None)
    if exe is None:
        raise FileNotFoundError(f"Chromium not found at {chromium}: install it (apt-get install chromium) "
                                f"or leave out --pdf")
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    with tempfile.TemporaryDirectory(prefix="kefu-print-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               f"--user-data-dir={profile}", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               f"--print-to-pdf={pdf}", html.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not write {pdf} (exit {proc.returncode}): {proc.stderr[-500:]}")
    return pdf
