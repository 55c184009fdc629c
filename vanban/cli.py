"""The ``vanban`` command: thin wrappers over ``ingest`` and ``vanban.service``.

Each subcommand parses options, calls one library function and prints the result.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ingest.errors import VanbanError
from vanban import clickvi
from vanban.settings import option, settings_rows
from vanban.words import STATUS_WORDS

if TYPE_CHECKING:
    from index.pipeline import Progress
    from vanban.service import Vanban


def _echo_json(obj: object) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


class _Main(clickvi.Group):
    """The command group whose help ends with every setting and its variable."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Cấu hình (biến môi trường; tùy chọn dòng lệnh ghi đè)"):
            formatter.write_dl(settings_rows())


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """vanban — hỏi đáp, trách nhiệm và thời hạn trong văn bản hành chính.

    Ví dụ:

        vanban parse corpus/ke-hoach-45-KH-UBND.docx --json

        vanban ingest corpus/

        vanban ask "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy?"
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="TỆP...")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option(
    "--ocr",
    is_flag=True,
    help="Nhận dạng chữ (tesseract, tiếng Việt) cho PDF bản quét thay vì báo needs_ocr; "
    "cần apt-get install tesseract-ocr tesseract-ocr-vie.",
)
def parse(files: tuple[Path, ...], as_json: bool, ocr: bool) -> None:
    """Đọc văn bản và in cấu trúc (đầu văn bản, điều khoản, bảng).

    TỆP có thể là tệp hoặc thư mục (đọc mọi tệp .pdf .docx .txt .md bên trong).

    Ví dụ:

        vanban parse corpus/ke-hoach-45-KH-UBND.docx --json

        vanban parse corpus/ --ocr
    """
    from ingest.parse import document_to_dict, parse_files

    docs = parse_files(files, ocr=ocr)
    if as_json:
        out = [document_to_dict(d) for d in docs]
        _echo_json(out[0] if len(out) == 1 else out)
    else:
        for d in docs:
            h = d.header
            click.echo(f"{Path(d.file).name}: {_DOC_STATUS_VI[d.status]} — {h.name} — "
                       f"{len(d.clauses)} điều khoản")
            if d.message:
                click.echo(f"  {d.message}")
    if any(d.status == "error" for d in docs):
        sys.exit(1)


def _db_options(func: Callable[..., None]) -> Callable[..., None]:
    """--db, --chroma-url and --embedder, shared by the commands that open the index."""
    return option("db")(option("chroma_url")(option("embedder")(func)))


def _service(db: str | None, chroma_url: str | None, embedder: str | None, *,
             create: bool = False, **settings: Any) -> Vanban:
    """The service over the configured index; CLI options override the environment.

    Only ``ingest`` may ``create`` the index; other commands refuse a missing one.
    """
    from index.store import require_index
    from vanban.service import Vanban
    from vanban.settings import load_config

    config = load_config(db=db, chroma_url=chroma_url, embedder=embedder, **settings)
    if not create:
        require_index(config)
    service = Vanban(config)
    service.on_wait = lambda message: click.echo(message, err=True)  # another process is writing
    return service


@main.command()
@option("host")
@option("port")
@_db_options
@option("auth")
@option("max_upload_mb")
def serve(host: str | None, port: int | None, db: str | None, chroma_url: str | None,
          embedder: str | None, auth: str | None, max_upload_mb: int | None) -> None:
    """Mở giao diện web: hỏi đáp, trách nhiệm, thời hạn, quản lý văn bản.

    Ví dụ:

        vanban serve --db .vanban --port 7860

        vanban serve --chroma-url http://127.0.0.1:8000
    """
    from app import launch
    from vanban.settings import load_config

    launch(load_config(host=host, port=port, db=db, chroma_url=chroma_url, embedder=embedder,
                       auth=auth, max_upload_mb=max_upload_mb))


_STATUS_VI = {k: v for k, v in STATUS_WORDS.items() if k != "rejected"}
# A document's reading status (``parse``, ``list``) in the same words as ``ingest``'s.
_DOC_STATUS_VI = {"ok": "đọc được", "needs_ocr": _STATUS_VI["needs_ocr"],
                  "unreadable_text_layer": _STATUS_VI["unreadable"],
                  "no_structure": _STATUS_VI["no_structure"], "error": _STATUS_VI["error"]}
# A scan or a broken font layer: what to run next (FileResult and stored record statuses).
_OCR_STATUSES = frozenset({"needs_ocr", "unreadable", "unreadable_text_layer"})


def _ocr_hint(status: str, file: str) -> str:
    """`` — nạp lại với --ocr: vanban ingest x.pdf --ocr`` for a file OCR would read; else ''."""
    return f" — nạp lại với --ocr: vanban ingest {file} --ocr" if status in _OCR_STATUSES else ""


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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="ĐƯỜNG_DẪN...")
@_db_options
@click.option("--rebuild", is_flag=True, help="Xoá chỉ mục cũ rồi dựng lại từ các tệp này.")
@click.option("--quiet", "-q", is_flag=True, help="Không hiện thanh tiến trình.")
@click.option("--ocr", is_flag=True,
              help="Nhận dạng chữ (tesseract, tiếng Việt) cho PDF quét hoặc lỗi phông.")
@option("follow_symlinks")
@click.option("--workers", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Số tiến trình đọc và nhúng song song (0 = trong tiến trình này); "
                   "một tiến trình ghi, mỗi văn bản hiện ra trọn vẹn.")
@click.option("--shard", default=None, metavar="i/n",
              help="Chỉ nạp phần thứ i trong n phần của kho (chia theo mã băm nội dung tệp), để n "
                   "máy cùng nạp một kho vào một máy chủ Chroma (--chroma-url); chạy lại an toàn.")
def ingest(paths: tuple[Path, ...], db: str | None, chroma_url: str | None, embedder: str | None,
           rebuild: bool, quiet: bool, ocr: bool, follow_symlinks: bool | None, workers: int,
           shard: str | None) -> None:
    """Nạp tệp hoặc thư mục văn bản vào chỉ mục (chạy lại không làm gì với tệp không đổi).

    Ví dụ:

        vanban ingest corpus/ --db .vanban

        vanban ingest corpus/chi-thi-08-CT-UBND.pdf --ocr

        vanban ingest corpus/ --workers 2 --shard 1/3 --chroma-url http://10.0.0.5:8000
    """
    from index.pipeline import Shard

    part = Shard.parse(shard) if shard else None
    service = _service(db, chroma_url, embedder, create=True, follow_symlinks=follow_symlinks)
    update, close = (None, None) if quiet else _progress_bar()
    try:
        results = service.ingest(paths, progress=update, rebuild=rebuild, ocr=ocr, workers=workers,
                                 shard=part)
    finally:
        if close:
            close()
    for r in results:
        line = f"  [{_STATUS_VI[r.status]}] {r.file}"
        click.echo(line + (f" — {r.message}" if r.message else "") + _ocr_hint(r.status, r.file)
                   + f" ({r.seconds:.1f} s)")
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

    Ví dụ:

        vanban list --json
    """
    from dataclasses import asdict

    from vanban.export import vn_date

    records = _service(db, chroma_url, embedder).documents()
    if as_json:
        _echo_json([{**asdict(r), "date_shown": vn_date(r.date) or None} for r in records])
        return
    if not records:
        click.echo("Chưa có văn bản nào — hãy nạp: vanban ingest <tệp hoặc thư mục>.")
    for r in records:
        status = "" if r.status == "ok" else f" [{_DOC_STATUS_VI.get(r.status, r.status)}]"
        failed = f" [lỗi trích phân công: {r.extraction_message}]" if r.extraction == "error" else ""
        fixed = f" [đã sửa tay: {r.corrected}]" if r.corrected else ""
        click.echo(f"{r.doc_id[:12]}  {r.file} — {r.name}{' ' + vn_date(r.date) if r.date else ''} "
                   f"— {r.clauses} điều khoản{status}{failed}{fixed}{_ocr_hint(r.status, r.file)}")


@main.command()
@click.argument("file_or_id", metavar="TỆP_HOẶC_MÃ")
@_db_options
def remove(file_or_id: str, db: str | None, chroma_url: str | None, embedder: str | None) -> None:
    """Xoá một văn bản (theo tên tệp hoặc mã văn bản) khỏi chỉ mục.

    Ví dụ:

        vanban remove cong-van-612-SCT-QLCN.docx
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
@click.argument("file_or_id", metavar="TỆP_HOẶC_MÃ")
@_db_options
@click.option("--number", help="Số, ký hiệu đúng, ví dụ 15/KH-UBND.")
@click.option("--date", "date_text", help="Ngày ban hành đúng, dd/mm/yyyy.")
@click.option("--issuer", help="Cơ quan ban hành đúng, ví dụ 'Ủy ban nhân dân tỉnh Lào Cai'.")
@click.option("--reset", is_flag=True, help="Bỏ mọi sửa tay, dùng lại thông tin đọc từ tệp.")
def correct(file_or_id: str, db: str | None, chroma_url: str | None, embedder: str | None,
            number: str | None, date_text: str | None, issuer: str | None, reset: bool) -> None:
    """Sửa tay số, ngày, cơ quan ban hành của một văn bản đã nạp.

    Bản sửa lưu trong thư mục chỉ mục theo nội dung tệp: nạp lại tệp vẫn giữ; câu trả lời
    và trích dẫn dùng thông tin đã sửa.

    Ví dụ:

        vanban correct ke-hoach-45-KH-UBND.docx --number 45/KH-UBND --date 12/08/2026
    """
    from vanban.answer.tasks import parse_user_date

    day = parse_user_date(date_text, "--date") if date_text else None
    service = _service(db, chroma_url, embedder)
    record = service.correct(file_or_id, number, day, issuer, reset=reset)
    if record is None:
        click.echo(f"Không có văn bản '{file_or_id}' trong chỉ mục — xem danh sách: vanban list.",
                   err=True)
        sys.exit(1)
    from vanban.export import vn_date

    what = "Đã bỏ sửa tay" if reset else "Đã lưu bản sửa"
    click.echo(f"{what}: {record.file} — {record.name}, ngày {vn_date(record.date) or '—'}, "
               f"{record.issuer or '—'}.")


@main.command()
@click.argument("question", metavar="CÂU_HỎI")
@_db_options
@option("top_k", "-k", "--top-k")
@click.option("--file", "files", multiple=True, help="Chỉ tìm trong tệp (tên tệp hoặc mã), lặp lại được.")
@click.option("--type", "doc_types", multiple=True, help="Chỉ tìm trong loại văn bản, ví dụ 'Kế hoạch'.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def ask(question: str, db: str | None, chroma_url: str | None, embedder: str | None,
        top_k: int | None, files: tuple[str, ...], doc_types: tuple[str, ...], as_json: bool) -> None:
    """Hỏi một câu; trả lời kèm trích dẫn điều khoản.

    Ví dụ:

        vanban ask "Ai chủ trì xây dựng quy chế quản lý tín chỉ các-bon?" --json
    """
    from index.chunks import SearchFilters

    filters = SearchFilters(files=files, doc_types=doc_types)
    try:  # a missing index too: --json callers always get the answer object
        service = _service(db, chroma_url, embedder)
        answer = service.ask(question, k=top_k, filters=None if filters.empty else filters)
    except VanbanError as err:
        if not as_json:
            raise
        from vanban.service import refused_answer
        from vanban.settings import load_config

        _echo_json(refused_answer(question, err, load_config().max_question_chars).to_json())
        sys.exit(2)
    if as_json:
        _echo_json(answer.to_json())
        return
    click.echo(answer.text)
    if answer.citations:
        click.echo("\nTrích dẫn:")
    for c in answer.citations:
        text = c.text if len(c.text) <= 300 else c.text[:300] + " …"
        where = f", {c.where()}" if c.where() else ""
        label = f" ({c.extra_label()})" if c.extra_label() else ""
        click.echo(f" [{c.n}] {c.render()}{label} — {c.file}{where}")
        click.echo(f"     {text}")


def _today_option(func: Callable[..., None]) -> Callable[..., None]:
    """--today and --window: the reference date and window of the Tình trạng column."""
    func = click.option("--window", type=click.IntRange(min=0), default=None,
                        help="Số ngày tính là 'sắp đến hạn' (mặc định 7; hay dùng 7 hoặc 30).")(func)
    return click.option("--today", "today", default=None,
                        help="Ngày đối chiếu tình trạng hạn (dd/mm/yyyy; mặc định hôm nay).")(func)


def _mark(rows: list[dict[str, Any]], today: str | None, window: int | None) -> list[dict[str, Any]]:
    """The rows with their Tình trạng against --today (default today) and the window."""
    from vanban.answer.tasks import parse_user_date
    from vanban.tracking import DEFAULT_WINDOW, mark_rows

    ref = parse_user_date(today, "--today") if today else None
    return mark_rows(rows, ref, DEFAULT_WINDOW if window is None else window)


def _wrote(path: Path, rows: int) -> None:
    click.echo(f"Đã ghi {rows} dòng vào {path}.")


@main.command()
@click.option("--body", required=True,
              help="Tên cơ quan, viết kiểu nào cũng được: 'Sở Công Thương', 'SCT', 'so cong thuong'.")
@_db_options
@_today_option
@click.option("--docx", "docx_path", type=click.Path(path_type=Path), default=None,
              help="Ghi bảng STT | Nhiệm vụ | Vai trò | Thời hạn | Căn cứ ra tệp Word (.docx).")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path), default=None,
              help="Ghi ra tệp Excel (.xlsx), có cột Tình trạng.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (như vanban deadlines --json).")
def tasks(body: str, db: str | None, chroma_url: str | None, embedder: str | None,
          today: str | None, window: int | None, docx_path: Path | None, xlsx: Path | None,
          as_json: bool) -> None:
    """Liệt kê mọi nhiệm vụ của một cơ quan trong các văn bản đã nạp.

    Ví dụ:

        vanban tasks --body "Sở Công Thương" --db .vanban

        vanban tasks --body "so cong thuong" --docx ke-hoach/nhiem-vu-sct.docx
    """
    from vanban.answer.tasks import task_lines, to_row
    from vanban.drafting import write_tasks_docx
    from vanban.export import with_shown_date, write_xlsx

    records = _service(db, chroma_url, embedder).responsibilities().for_body(body)
    rows = _mark([to_row(a) for a in records], today, window)
    shown = records[0].body if records else body
    if docx_path:
        _wrote(write_tasks_docx(rows, docx_path, shown), len(rows))
    if xlsx:
        _wrote(write_xlsx(rows, xlsx), len(rows))
    if as_json:
        _echo_json([with_shown_date(r) for r in rows])
        return
    if docx_path or xlsx:
        return
    if not records:
        click.echo(f"Không có nhiệm vụ nào của '{body}' trong các văn bản đã nạp — thử tên khác "
                   "(ví dụ 'Sở Công Thương' hoặc 'SCT') hoặc nạp thêm văn bản: vanban ingest <tệp>.")
        return
    docs = len({a.document for a in records})
    click.echo(f"{records[0].body}: {len(records)} nhiệm vụ trong {docs} văn bản.")
    for line in task_lines(records, with_body=False, marks=rows):
        click.echo(line)


@main.command()
@click.option("--from", "date_from", default=None, help="Từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd).")
@click.option("--to", "date_to", default=None, help="Đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd).")
@click.option("--body", default=None, help="Chỉ lấy nhiệm vụ của cơ quan này (mọi cách viết).")
@click.option("--due-within", "due_within", type=click.IntRange(min=0), default=None,
              help="Chỉ lấy việc sắp đến hạn trong N ngày tới (ví dụ 7 hoặc 30).")
@click.option("--overdue", is_flag=True, help="Chỉ lấy việc đã quá hạn.")
@_today_option
@_db_options
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path), default=None,
              help="Ghi ra tệp Excel (.xlsx).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="Ghi ra tệp CSV (UTF-8 có BOM, mở được bằng Excel).")
@click.option("--json", "as_json", is_flag=True, help="In danh sách dạng JSON.")
def deadlines(date_from: str | None, date_to: str | None, body: str | None, due_within: int | None,
              overdue: bool, today: str | None, window: int | None, db: str | None,
              chroma_url: str | None, embedder: str | None, xlsx: Path | None,
              csv_path: Path | None, as_json: bool) -> None:
    """Bảng thời hạn: mỗi dòng là một (cơ quan, nhiệm vụ, thời hạn), sắp theo hạn.

    Không có --from/--to thì lấy mọi nhiệm vụ có nêu thời hạn (cả 'hằng năm', 'thường xuyên').
    Mỗi dòng có Tình trạng so với hôm nay (hoặc --today): quá hạn, sắp đến hạn, còn hạn,
    không có hạn; hạn định kỳ tính theo kỳ tới.

    Ví dụ:

        vanban deadlines --from 01/10/2026 --to 31/12/2026 --xlsx thoi-han.xlsx

        vanban deadlines --due-within 30 --today 01/12/2026

        vanban deadlines --overdue --body "Sở Công Thương"
    """
    from vanban.answer.tasks import check_range, parse_user_date, task_lines, to_row
    from vanban.export import with_shown_date, write_csv, write_xlsx
    from vanban.tracking import DUE_SOON, OVERDUE

    start = parse_user_date(date_from, "--from") if date_from else None
    end = parse_user_date(date_to, "--to") if date_to else None
    check_range(start, end)
    service = _service(db, chroma_url, embedder)
    records = service.responsibilities().deadlines(start, end, body)
    rows = _mark([to_row(a) for a in records], today, due_within if due_within is not None else window)
    if due_within is not None or overdue:
        wanted = ([DUE_SOON] if due_within is not None else []) + ([OVERDUE] if overdue else [])
        keep = sorted((i for i, r in enumerate(rows) if r["status"] in wanted),
                      key=lambda i: str(rows[i]["next_due"]))
        records, rows = [records[i] for i in keep], [rows[i] for i in keep]
    if xlsx:
        _wrote(write_xlsx(rows, xlsx), len(rows))
    if csv_path:
        _wrote(write_csv(rows, csv_path), len(rows))
    if as_json:
        _echo_json([with_shown_date(r) for r in rows])
    elif not (xlsx or csv_path):
        if not rows:
            click.echo("Không có nhiệm vụ nào có thời hạn trong phạm vi đã chọn.")
        for line in task_lines(records, marks=rows):
            click.echo(line)


@main.command(name="eval")
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="Thư mục văn bản thật (mặc định ../shared/corpus hoặc $VANBAN_SHARED/corpus).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--skip-alqac", is_flag=True, help="Bỏ qua bộ đo ALQAC (truy hồi điều luật).")
@click.option("--skip-wide", is_flag=True,
              help="Bỏ qua phần corpus-wide (văn bản của cơ quan chưa dùng để tinh chỉnh).")
@click.option("--wide", type=click.Path(path_type=Path), default=None,
              help="Thư mục corpus-wide (mặc định ../shared/corpus-wide hoặc $VANBAN_SHARED/corpus-wide).")
@option("embedder")
@click.option("--baseline", "baselines", multiple=True,
              help="Mô hình nhúng đối chứng cho truy hồi (mặc định st:minilm), lặp lại được.")
@click.option("--no-baseline", is_flag=True, help="Không chạy mô hình đối chứng.")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Thư mục bộ dữ liệu (devset.jsonl, gold/assignments.jsonl, questions.jsonl); "
                   "mặc định evals/.")
@click.option("--alqac", "alqac_dir", type=click.Path(path_type=Path), default=None,
              help="Thư mục dữ liệu ALQAC (mặc định ../shared/benchmarks/alqac).")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
              help="Bộ nhớ đệm vectơ theo mã băm văn bản (mặc định .cache/ của kho mã).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Tệp báo cáo Markdown (mặc định evals/RESULTS.md).")
def eval_(corpus: Path | None, as_json: bool, skip_alqac: bool, skip_wide: bool, wide: Path | None,
          embedder: str | None, baselines: tuple[str, ...], no_baseline: bool, data: Path | None,
          alqac_dir: Path | None, cache_dir: Path | None, out: Path | None) -> None:
    """Chạy mọi phép đánh giá trên một chỉ mục mới (thư mục tạm) và in một bảng.

    Truy hồi (R@1, R@5, MRR@10), trích xuất giao việc (P/R/F1), câu trả lời
    (đúng chủ thể), nạp văn bản (trạng thái, số điều khoản), corpus-wide (nửa dev
    và nửa test tách riêng; nửa test là số liệu tính), tỉ lệ tên cơ quan đúng dạng
    và ALQAC; ghi evals/RESULTS.md. Phần thiếu dữ liệu được bỏ qua kèm lý do.

    Ví dụ:

        vanban eval --skip-alqac --json
    """
    from vanban.evaluation import runner as ev
    from vanban.settings import load_config

    inputs = ev.default_inputs(corpus, data, alqac_dir, wide)
    options = ev.EvalOptions(
        embedder=embedder or load_config().embedder,
        baselines=() if no_baseline else (baselines or ev.EvalOptions.baselines),
        skip_alqac=skip_alqac,
        skip_wide=skip_wide,
        cache_dir=cache_dir or ev.EvalOptions.cache_dir,
    )
    report = ev.run_evaluation(inputs, options)
    target = out or ev.EVALS / "RESULTS.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(ev.render_markdown(report), encoding="utf-8")
    if as_json:
        _echo_json(report)
    else:
        click.echo(ev.render_table(ev.summary_rows(report)))
    click.echo(f"Đã ghi {target} ({report['timings']['total']:.0f} s).", err=True)
    for part, reason in report["skipped"].items():
        click.echo(f"Bỏ qua {part}: {reason}", err=True)
    if report["errors"]:
        click.echo("Lỗi ở: " + ", ".join(report["errors"]) + " — xem chi tiết phía trên.", err=True)
        sys.exit(1)


@main.command()
@click.argument("originals", nargs=-1, type=click.Path(path_type=Path), metavar="[TỆP_GỐC]...")
@_db_options
@click.option("--repair", is_flag=True,
              help="Xoá bản ghi thừa và nạp lại văn bản không khớp từ TỆP_GỐC (tệp hoặc thư mục).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def check(originals: tuple[Path, ...], db: str | None, chroma_url: str | None,
          embedder: str | None, repair: bool, as_json: bool) -> None:
    """Kiểm tra mỗi văn bản đã nạp: đủ điều khoản và phân công đã lưu (mã thoát 1 nếu thiếu).

    Ví dụ:

        vanban check

        vanban check --repair corpus/
    """
    from dataclasses import asdict

    service = _service(db, chroma_url, embedder)
    report = service.check(repair=repair, originals=originals)
    if as_json:
        _echo_json({"ok": report.ok, "strays": report.strays, "missing": report.missing,
                    "repaired": [asdict(r) for r in report.repaired],
                    "documents": [{"file": c.record.file, "clauses": c.record.clauses,
                                   "stored": c.stored, "assignments": c.record.assignments,
                                   "stored_assignments": c.stored_assignments,
                                   "problems": c.problems} for c in report.checks]})
        sys.exit(0 if report.ok else 1)
    for r in report.repaired:
        click.echo(f"  [{_STATUS_VI[r.status]}] {r.file}" + (f" — {r.message}" if r.message else ""))
    bad = [c for c in report.checks if not c.ok]
    for c in bad:
        click.echo(f"  [không khớp] {c.record.file} — {'; '.join(c.problems)}")
    for name in report.missing:
        click.echo(f"  [cần nạp lại] {name} — không có tệp gốc; hãy chạy: vanban ingest <đường dẫn tới {name}>")
    if report.strays:
        click.echo(f"  {report.strays} bản ghi điều khoản không thuộc văn bản nào"
                   + ("" if repair else " — chạy vanban check --repair để xoá"))
    click.echo(f"Kiểm tra {len(report.checks)} văn bản: {len(report.checks) - len(bad)} khớp, "
               f"{len(bad)} không khớp.")
    sys.exit(0 if report.ok else 1)


def run() -> None:
    """Entry point that turns a VanbanError into a clean message and exit code 2."""
    try:
        main(standalone_mode=True)
    except VanbanError as err:
        click.echo(f"Lỗi: {err}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    run()
