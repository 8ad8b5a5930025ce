"""The tests' own plumbing (tests/helpers.py): helpers come from modules, fixtures from conftest."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    """Modules imported by name, plus ``conftest`` when the file names ``conftest.py`` (a load by path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    by_path = any(isinstance(n, ast.Constant) and n.value == "conftest.py" for n in ast.walk(tree))
    return ({n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
            | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            | ({"conftest"} if by_path else set()))


def test_no_test_module_imports_a_conftest():
    """pytest loads each conftest.py itself (two are named ``conftest``): importing one by
    name gets whichever came first, so helpers live in tests/helpers.py and security/attacks.py."""
    offenders = sorted(str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py")
                       if "fixtures" not in p.parts and p.name != "test_helpers.py" and "conftest" in _imported_modules(p))
    assert offenders == []


def test_the_import_check_sees_both_forms(tmp_path):
    (tmp_path / "a.py").write_text("import conftest\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("def f():\n    from conftest import fill\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("spec = spec_from_file_location('k', TESTS / 'conftest.py')\n", encoding="utf-8")
    (tmp_path / "d.py").write_text("import helpers as kit\n", encoding="utf-8")
    assert all("conftest" in _imported_modules(tmp_path / f"{n}.py") for n in "abc")
    assert "conftest" not in _imported_modules(tmp_path / "d.py")


def test_property_tests_draw_full_strength_by_default_and_a_fifth_under_fast():
    from hypothesis import settings

    from helpers import examples

    current = settings.get_current_profile_name()
    try:
        settings.load_profile("default")
        assert examples(1500) == 1500 and examples(300) == 300
        settings.load_profile("fast")
        assert examples(1500) == 300 and examples(20) == 10  # never fewer than ten
    finally:
        settings.load_profile(current)


def test_the_chromium_launcher_names_the_fix_when_chromium_is_missing(tmp_path, monkeypatch):
    import pytest

    import helpers

    monkeypatch.setattr(helpers, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(RuntimeError, match="make browser"):
        with helpers.chromium():
            pass


def test_the_browsers_fontconfig_adds_the_course_font(tmp_path):
    from autograder.teaching.fonts import font_path

    from helpers import fontconfig_with_course_font

    conf = fontconfig_with_course_font(tmp_path).read_text(encoding="utf-8")
    assert f"<dir>{font_path().parent}</dir>" in conf and "/etc/fonts/fonts.conf" in conf
