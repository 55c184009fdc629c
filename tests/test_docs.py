"""Every command is documented: help with an example, and a mention in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from vanban.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_has_help_with_an_example(name: str) -> None:
    help_text = main.commands[name].help or ""
    assert help_text.strip(), f"vanban {name} has no help"
    assert "Ví dụ:" in help_text and f"vanban {name}" in help_text


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_appears_in_the_readme(name: str) -> None:
    assert f"vanban {name}" in README


def test_readme_settings_table_is_the_declared_settings() -> None:
    """The "Cấu hình" table is ``markdown_table()`` verbatim (regenerate it when a setting changes)."""
    from vanban.settings import SETTINGS, markdown_table

    assert markdown_table() in README
    assert all(f"`{s.env}`" in README for s in SETTINGS)


def test_readme_screenshots_exist_and_stay_small() -> None:
    """The "Giao diện" pictures (``python scripts/screenshots.py``) are in the checkout."""
    import re

    root = Path(__file__).resolve().parents[1]
    images = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", README)
    assert {Path(i).name for i in images} >= {"hoi-dap.png", "trach-nhiem.png", "thoi-han.png",
                                              "van-ban.png"}
    for image in images:
        path = root / image
        assert path.is_file(), f"README shows {image}, which is missing"
        assert path.stat().st_size < 400_000, f"{image} is {path.stat().st_size} bytes"
