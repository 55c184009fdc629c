"""The vanban web page (Gradio): Hỏi đáp, Trách nhiệm, Thời hạn, Văn bản.

This module only wires: the page's behaviour (every handler, every table row and
piece of escaped HTML) is ``vanban.web.view.Page`` and its helpers, which know
nothing of gradio; here we lay out the page, queue and launch it. It is the only
module that imports gradio (lazily, inside ``build_app``/``start``).

    build_app(service, config) -> gr.Blocks      # the page, for tests and ``start``
    start(service, config, block=True)           # queue + launch with our settings
    launch(config)                               # ``vanban serve``: checks, service, start
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from index.errors import ConfigError
from ingest.errors import InputError, VanbanError
from vanban.settings import Config
from vanban.tracking import DEFAULT_WINDOW, WINDOWS
from vanban.web import chat
from vanban.web.protocol import PageService
from vanban.web.view import (
    ALL_ISSUERS,
    ALL_STATUSES,
    ALL_TYPES,
    DEADLINE_HEADERS,
    DOC_HEADERS,
    READ_CONCURRENCY,
    SORT_CHOICES,
    TASK_HEADERS,
    UPLOAD_EXTENSIONS,
    UPLOAD_HEADERS,
    Page,
    build_filters,
    check_bind,
    example_questions,
    filter_choices,
    sources_html,
)

if TYPE_CHECKING:
    import gradio as gr

CSS = """
.vb-sources { display: flex; flex-direction: column; gap: 10px; }
.vb-src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; scroll-margin-top: 80px; }
.vb-src:target, .vb-src.vb-active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.vb-src-n { color: var(--color-accent); font-weight: 600; }
.vb-src-meta, .vb-src-file, .vb-src-title, .vb-src-heading { color: var(--body-text-color-subdued); font-size: 0.9em; }
.vb-src-title { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.vb-src-label { font-weight: 600; margin-top: 4px; }
.vb-src-text { margin: 6px 0; padding-left: 10px; border-left: 3px solid var(--border-color-primary); white-space: pre-wrap; }
.vb-src-text mark { background: #fde68a; color: inherit; padding: 0 1px; }
.vb-turn.vb-hidden { display: none; }
/* gradio titles its toasts in English whatever title we pass: show ours instead */
.toast-title { font-size: 0 !important; }
.toast-title::before { font-size: var(--text-md); }
.toast-title.warning::before { content: "Lưu ý"; }
.toast-title.error::before { content: "Lỗi"; }
.toast-title.info::before, .toast-title.success::before { content: "Thông báo"; }
.vb-resolved { color: var(--body-text-color-subdued); font-size: 0.9em; }
.vb-marker, .vb-marker:visited { color: var(--color-accent) !important; text-decoration: none; font-weight: 600; }
/* tables in the body font: the default monospace lacks good Vietnamese diacritics */
.vb-table table, .vb-table td, .vb-table th, .vb-table span { font-family: var(--font) !important; }
#vb-notice { position: fixed; top: 16px; right: 16px; z-index: 1000; max-width: 420px; padding: 12px 16px;
  border-radius: 8px; background: var(--background-fill-primary); border: 1px solid var(--error-border-color, #ef4444);
  color: var(--body-text-color); box-shadow: 0 4px 16px rgba(0,0,0,.15); cursor: pointer; }
"""

# Clicking [n] scrolls its card into view inside the page (never a new tab, whatever
# the chatbot's link handling) and marks it; capture phase so we run first.
HEAD = """
<script>
document.addEventListener("click", function (ev) {
  var a = ev.target && ev.target.closest ? ev.target.closest('a[href^="#src-"]') : null;
  if (!a) { return; }
  var el = document.getElementById(a.getAttribute("href").slice(1));
  if (!el) { return; }
  ev.preventDefault();
  ev.stopPropagation();
  // an older answer's marker: show that answer's own sources in the panel
  var turn = el.closest(".vb-turn");
  if (turn) {
    document.querySelectorAll(".vb-turn").forEach(function (g) { g.classList.toggle("vb-hidden", g !== turn); });
  }
  document.querySelectorAll(".vb-src.vb-active").forEach(function (x) { x.classList.remove("vb-active"); });
  el.classList.add("vb-active");
  el.scrollIntoView({behavior: "smooth", block: "center"});
}, true);
// The picker offers only our formats. Not set through gradio's file_types: that
// check rejects a whole batch with an English message; ours answers per file.
new MutationObserver(function () {
  var b = document.getElementById("vb-upload");
  var input = b && b.parentElement ? b.parentElement.querySelector("input[type=file]") : null;
  if (input && input.accept !== "__ACCEPT__") { input.accept = "__ACCEPT__"; }
}).observe(document.documentElement, {childList: true, subtree: true});
// Files over gradio's own size cap would get its English toast and sink the whole
// batch: take them out before gradio sees the change, say why in Vietnamese, and
// let the rest go on (files between our limit and the cap get the server's row).
function vbNotice(text) {
  var box = document.getElementById("vb-notice");
  if (!box) {
    box = document.createElement("div");
    box.id = "vb-notice";
    box.setAttribute("role", "alert");
    box.addEventListener("click", function () { box.remove(); });
    document.body.appendChild(box);
  }
  box.textContent = text;
  clearTimeout(box.vbTimer);
  box.vbTimer = setTimeout(function () { box.remove(); }, 20000);
}
document.addEventListener("change", function (ev) {
  var input = ev.target;
  if (!input || input.type !== "file" || !input.files) { return; }
  var over = [], keep = new DataTransfer();
  Array.prototype.forEach.call(input.files, function (f) {
    if (f.size > __CAP_BYTES__) { over.push(f); } else { keep.items.add(f); }
  });
  if (!over.length) { return; }
  vbNotice("Không tải lên " + over.map(function (f) {
    return f.name + " (" + (f.size / 1048576).toFixed(1) + " MB)";
  }).join(", ") + ": vượt giới hạn __LIMIT_MB__ MB mỗi tệp — tách nhỏ tệp hoặc tăng VANBAN_MAX_UPLOAD_MB.");
  if (keep.files.length) {
    input.files = keep.files;
  } else {
    ev.stopImmediatePropagation();
    input.value = "";
  }
}, true);
</script>
"""


# gradio titles every toast with its English kind ("Error", whatever title we pass),
# labels a failed output "Error", and writes "queue: 1/2 |" / "processing |" over an
# output while its event runs: say those words in Vietnamese as they appear.
VIETNAMESE_CHROME = """
<script>
(function () {
  var words = {"Error": "Lỗi", "Warning": "Lưu ý", "Info": "Thông báo"};
  var progress = [[/\\bqueue:/, "hàng đợi:"], [/\\bprocessing\\b/, "đang xử lý"]];
  function translate() {
    document.querySelectorAll('.toast-title, [class*="error"], [data-testid="status-tracker"] *').forEach(function (el) {
      el.childNodes.forEach(function (n) {
        var key = n.nodeType === 3 ? n.data.trim() : "";
        if (words[key]) { n.data = n.data.replace(key, words[key]); }
        if (n.nodeType === 3 && el.classList.contains("progress-text")) {
          progress.forEach(function (p) { if (p[0].test(n.data)) { n.data = n.data.replace(p[0], p[1]); } });
        }
      });
    });
  }
  new MutationObserver(translate).observe(document.documentElement,
    {childList: true, subtree: true, characterData: true});
})();
</script>
"""


def head_html(config: Config) -> str:
    """The page's scripts, with our upload formats and size limits filled in."""
    return (HEAD.replace("__ACCEPT__", ",".join(UPLOAD_EXTENSIONS))
            .replace("__CAP_BYTES__", str(upload_cap_mb(config) * 1024 * 1024))
            .replace("__LIMIT_MB__", str(config.max_upload_mb))) + VIETNAMESE_CHROME


def upload_cap_mb(config: Config) -> int:
    """gradio's own cap, a backstop against huge bodies: twice ours, so files just over
    our limit reach the server and get our per-file row; the page's script stops the rest."""
    return 2 * config.max_upload_mb


def _theme() -> Any:
    """Default theme with system fonts only: nothing is fetched from the internet."""
    import gradio as gr

    return gr.themes.Default(
        font=["system-ui", "Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "sans-serif"],
        font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"],
    )


WARNING_TITLE = "Lưu ý"


def _warn(err: VanbanError) -> None:
    """A Vietnamese toast for a mistake the user can fix; the handler still returns normally."""
    import gradio as gr

    gr.Warning(html.escape(str(err)), title=WARNING_TITLE)


SERVER_ERROR = ("Lỗi máy chủ khi xử lý yêu cầu ({kind}) — hãy thử lại; nếu vẫn lỗi, "
                "xem nhật ký của lệnh vanban serve và báo cho người quản trị.")


def _in_vietnamese(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A handler whose failures reach the page in Vietnamese, without blocking it.

    Our own errors (``VanbanError``) already say what to do; anything else is a
    server fault: logged with its traceback, named only by its kind (gradio would
    show the raw English text). Either is a Vietnamese warning toast and the
    outputs are left as they were: a raised ``gr.Error`` would put gradio's English
    "Error" badge over every output, the question box among them.
    """
    import functools
    import logging

    @functools.wraps(fn)
    def handler(*args: Any, **kwargs: Any) -> Any:
        import gradio as gr

        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except VanbanError as err:
            gr.Warning(html.escape(str(err)), title=WARNING_TITLE)
        except Exception as exc:
            logging.getLogger("vanban.web").exception("handler %s failed", fn.__name__)
            gr.Warning(SERVER_ERROR.format(kind=type(exc).__name__), title=WARNING_TITLE)
        return gr.skip()  # one skip leaves every output as it was

    return handler


def _doc_choices(docs: Sequence[Any]) -> list[tuple[str, str]]:
    """``(label, file)`` pairs: people pick by document name, we act on the file."""
    return [(f"{d.name} — {d.file}", str(d.file)) for d in docs]


def build_app(service: PageService, config: Config, page: Page | None = None) -> gr.Blocks:
    """The whole page around ``service`` (a ``Vanban``, or a fake of the same protocol);
    ``page``: its behaviour, when the caller shares it with other routes (``start``)."""
    import gradio as gr

    page = page if page is not None else Page(service, config)
    docs = page.documents()
    with gr.Blocks(
        title="vanban — tra cứu văn bản hành chính",
        analytics_enabled=False,
        delete_cache=(3600, 86400),
    ) as demo:
        gr.Markdown("## vanban — hỏi đáp, trách nhiệm và thời hạn trong văn bản hành chính")
        with gr.Tabs():
            scope = _chat_tab(page, docs)
            bodies = _tasks_tab(page)
            dl_body = _deadlines_tab(page)
            doc_widgets = _documents_tab(page)
        gr.api(_api_ask(page), api_name="ask", concurrency_limit="default")

        @_in_vietnamese
        def refresh(query: str, status: str, kind: str, issuer: str, picked: str | None
                    ) -> tuple[Any, ...]:
            current = page.documents()
            names = page.body_choices()
            rows, counts = page.document_table(query, status, kind, issuer)
            files = {str(d.file) for d in current}
            return (
                gr.update(choices=_doc_choices(current)),
                gr.update(choices=sorted({str(d.type) for d in current if getattr(d, "type", "")})),
                gr.update(
                    choices=sorted({str(d.issuer) for d in current if getattr(d, "issuer", "")})
                ),
                gr.update(choices=names),
                gr.update(choices=names),
                rows,
                counts,
                *(gr.update(choices=c) for c in filter_choices(current)),
                # the picked document stays picked while it is still there (after a correction);
                # its value is not set again, or the pick's change event would refill the
                # correction fields over what the user is typing
                gr.update(choices=_doc_choices(current)) if picked in files
                else gr.update(choices=_doc_choices(current), value=None),
            )

        refresh_outputs = [*scope, bodies, dl_body, *doc_widgets["refresh"]]
        refresh_inputs = doc_widgets["filters"]
        demo.load(refresh, refresh_inputs, refresh_outputs, api_visibility="private")
        for event in doc_widgets["changed"]:
            event.then(refresh, refresh_inputs, refresh_outputs, api_visibility="private")
        polled, finished = doc_widgets["polled"]

        def refresh_when_finished(done: bool, *filters: Any) -> tuple[Any, ...]:
            return refresh(*filters) if done else tuple(gr.skip() for _ in refresh_outputs)

        polled.then(refresh_when_finished, [finished, *refresh_inputs], refresh_outputs,
                    api_visibility="private")
    return demo


def _api_ask(page: Page) -> Callable[[str], dict[str, Any]]:
    def ask(question: str) -> dict[str, Any]:
        """Hỏi đáp: trả về đúng đối tượng JSON của `vanban ask --json`.

        Câu hỏi không được trả lời (quá dài, chỉ mục không truy cập được, lỗi máy chủ)
        vẫn nhận cùng dạng JSON: found=false, lý do ở "answer" và "error".
        """
        try:
            return page.ask_json(question)
        except VanbanError as err:
            return page.refusal(question or "", err).to_json()
        except Exception as exc:  # a server fault: logged, named by its kind only
            import logging

            logging.getLogger("vanban.web").exception("api ask failed")
            fault = RuntimeError(SERVER_ERROR.format(kind=type(exc).__name__))
            return page.refusal(question or "", fault).to_json()

    return ask


def _chat_tab(page: Page, docs: Sequence[Any]) -> list[Any]:
    import gradio as gr

    with gr.Tab("Hỏi đáp", id="hoi-dap"):
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Hội thoại",
                    buttons=["copy"],
                    height=520,
                    elem_id="vb-chat",
                    feedback_options=None,
                    placeholder="Hỏi về nhiệm vụ, cơ quan chủ trì, thời hạn trong các văn bản đã nạp.",
                )
                turns = gr.State([])  # this session's questions and answers (vanban.web.chat)
                question = gr.Textbox(
                    label="Câu hỏi",
                    placeholder="Ví dụ: Ai chủ trì việc kiểm tra vật liệu nổ công nghiệp, hạn khi nào?",
                    elem_id="vb-question",
                    lines=1,
                    max_lines=4,
                )
                with gr.Row():
                    send = gr.Button("Hỏi", variant="primary", elem_id="vb-ask")
                    clear = gr.Button("Xóa hội thoại")
                with gr.Row():
                    answer_docx = gr.DownloadButton(
                        "Tải câu trả lời (DOCX)", value=None, elem_id="vb-answer-docx", size="sm"
                    )
                    answer_md = gr.DownloadButton(
                        "Tải câu trả lời (Markdown)", value=None, elem_id="vb-answer-md", size="sm"
                    )
                gr.Examples(example_questions(docs), inputs=[question], label="Câu hỏi mẫu")
                scope = _scope_controls()
            with gr.Column(scale=2):
                gr.Markdown("### Nguồn trích dẫn")
                sources = gr.HTML(sources_html(None, {}), elem_id="vb-sources-panel")

        @_in_vietnamese
        def on_ask(
            q: str,
            kept: list[chat.Turn],
            f: list[str],
            t: list[str],
            i: list[str],
            a: str,
            b: str,
        ) -> tuple[Any, ...]:
            reply = chat.ask(page, q, kept, lambda: build_filters(f, t, i, a, b))
            if reply.answer is None:  # nothing asked: say why in the chat, keep the box as typed
                return reply.turns, reply.history, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            files: list[str | None] = [*page.answer_files(reply.answer)]
            docx_path, md_path = files or [None, None]
            return (reply.turns, reply.history, reply.panel, "", gr.update(value=docx_path),
                    gr.update(value=md_path))

        inputs = [question, turns, *scope]
        outputs = [turns, chatbot, sources, question, answer_docx, answer_md]
        for trigger in (send.click, question.submit):
            trigger(on_ask, inputs, outputs, api_visibility="private")
        clear.click(
            lambda: ([], [], sources_html(None, {})), None, [turns, chatbot, sources],
            api_visibility="private",
        )
    return scope[:3]


def _scope_controls() -> list[Any]:
    """The chat's scope (SearchFilters): documents, types, issuers, a date range."""
    import gradio as gr

    with gr.Accordion("Phạm vi tìm kiếm", open=False):
        files = gr.Dropdown(label="Văn bản", multiselect=True, choices=[], elem_id="vb-scope-files")
        types = gr.Dropdown(label="Loại văn bản", multiselect=True, choices=[])
        issuers = gr.Dropdown(
            label="Cơ quan ban hành", multiselect=True, choices=[], allow_custom_value=True
        )
        with gr.Row():
            date_from = gr.Textbox(label="Từ ngày (dd/mm/yyyy)", placeholder="01/01/2024")
            date_to = gr.Textbox(label="Đến ngày (dd/mm/yyyy)", placeholder="31/12/2026")
    return [files, types, issuers, date_from, date_to]


def _tracking_controls(prefix: str) -> tuple[Any, Any]:
    """The reference date (blank: today) and the "sắp đến hạn" window of the Tình trạng column."""
    import gradio as gr

    today = gr.Textbox(
        label="Ngày đối chiếu (dd/mm/yyyy, để trống: hôm nay)",
        placeholder="hôm nay",
        elem_id=f"{prefix}-today",
    )
    window = gr.Radio(
        [(f"{n} ngày", n) for n in WINDOWS],
        value=DEFAULT_WINDOW,
        label="Sắp đến hạn trong",
        elem_id=f"{prefix}-window",
    )
    return today, window


def _tasks_tab(page: Page) -> Any:
    import gradio as gr

    with gr.Tab("Trách nhiệm", id="trach-nhiem"):
        with gr.Row():
            body = gr.Dropdown(
                label="Cơ quan, đơn vị (chọn hoặc gõ tên)",
                choices=[],
                allow_custom_value=True,
                elem_id="vb-body",
                scale=4,
            )
            show = gr.Button("Xem nhiệm vụ", variant="primary", elem_id="vb-show-tasks", scale=1)
        with gr.Row():
            today, window = _tracking_controls("vb-tasks")
            xlsx = gr.DownloadButton("Tải XLSX", value=None, elem_id="vb-tasks-xlsx")
            docx = gr.DownloadButton("Tải DOCX (bảng kế hoạch)", value=None, elem_id="vb-tasks-docx")
        summary = gr.Markdown()
        table = gr.Dataframe(
            headers=TASK_HEADERS,
            datatype="str",
            elem_classes=["vb-table"],
            interactive=False,
            wrap=True,
            elem_id="vb-tasks",
            max_height=700,
            column_widths=["15%", "7%", "35%", "12%", "8%", "11%", "12%"],
        )

        @_in_vietnamese
        def on_show(b: str, day: str, days: int) -> tuple[Any, ...]:
            summary_text, rows = page.tasks(b, day, int(days or DEFAULT_WINDOW))
            files: list[str | None] = [*page.task_files(b, day, int(days or DEFAULT_WINDOW))]
            xlsx_path, docx_path = files or [None, None]
            return summary_text, rows, gr.update(value=xlsx_path), gr.update(value=docx_path)

        inputs = [body, today, window]
        for trigger in (show.click, window.change, today.submit):
            trigger(on_show, inputs, [summary, table, xlsx, docx], api_visibility="private")
    return body


def _deadlines_tab(page: Page) -> Any:
    import gradio as gr

    with gr.Tab("Thời hạn", id="thoi-han") as tab:
        with gr.Row():
            date_from = gr.Textbox(
                label="Từ ngày (dd/mm/yyyy)", placeholder="01/01/2026", elem_id="vb-dl-from"
            )
            date_to = gr.Textbox(
                label="Đến ngày (dd/mm/yyyy)", placeholder="31/12/2026", elem_id="vb-dl-to"
            )
            body = gr.Dropdown(
                label="Cơ quan, đơn vị", choices=[], allow_custom_value=True, elem_id="vb-dl-body"
            )
            sort = gr.Radio(list(SORT_CHOICES), value=SORT_CHOICES[0], label="Sắp xếp")
        with gr.Row():
            today, window = _tracking_controls("vb-dl")
        with gr.Row():
            run = gr.Button("Lọc thời hạn", variant="primary", elem_id="vb-dl-run")
            download = gr.DownloadButton("Tải XLSX", elem_id="vb-dl-xlsx", value=None)
        table = gr.Dataframe(
            headers=DEADLINE_HEADERS,
            datatype="str",
            elem_classes=["vb-table"],
            interactive=False,
            wrap=True,
            elem_id="vb-deadlines",
            max_height=700,
            column_widths=["8%", "10%", "15%", "7%", "30%", "12%", "7%", "11%"],
        )

        @_in_vietnamese
        def on_run(a: str, b: str, who: str, order: str, day: str, days: int) -> tuple[Any, Any]:
            rows, path = page.deadlines(a, b, who, order, day, int(days or DEFAULT_WINDOW))
            return rows, gr.update(value=path)

        inputs = [date_from, date_to, body, sort, today, window]
        # opening the tab fills the table (and readies the XLSX) without a click
        for trigger in (run.click, sort.change, window.change, today.submit, tab.select):
            trigger(on_run, inputs, [table, download], api_visibility="private")
    return body


def _documents_tab(page: Page) -> dict[str, Any]:
    import gradio as gr

    with gr.Tab("Văn bản", id="van-ban"):
        gr.Markdown(
            "Chọn một hoặc nhiều tệp PDF, DOCX, DOC, ODT, RTF, TXT, MD (tối đa "
            f"{page.config.max_upload_mb} MB mỗi tệp); hệ thống nạp ngay sau khi chọn."
        )
        files = gr.UploadButton(
            "Chọn tệp và nạp vào chỉ mục",
            file_count="multiple",
            type="filepath",
            variant="primary",
            elem_id="vb-upload",
        )
        ocr = gr.Checkbox(
            label="Nhận dạng chữ (OCR) cho PDF bản quét hoặc lỗi phông — chậm hơn, chọn trước khi tải",
            value=False,
            elem_id="vb-ocr",
        )
        results = gr.Dataframe(
            headers=UPLOAD_HEADERS,
            datatype="str",
            elem_classes=["vb-table"],
            interactive=False,
            wrap=True,
            label="Kết quả nạp",
            elem_id="vb-upload-results",
            column_widths=["30%", "15%", "10%", "45%"],
        )
        filters = _document_filters()
        counts = gr.Markdown(elem_id="vb-doc-counts")
        table = gr.Dataframe(
            headers=DOC_HEADERS,
            datatype="str",
            elem_classes=["vb-table"],
            interactive=False,
            wrap=True,
            label="Văn bản trong chỉ mục",
            elem_id="vb-docs",
            column_widths=["19%", "8%", "11%", "8%", "17%", "30%", "7%"],
        )
        with gr.Row():
            picked = gr.Dropdown(
                label="Văn bản đã chọn (xem nội dung, sửa thông tin, xóa)",
                choices=[],
                elem_id="vb-remove-pick",
                scale=4,
            )
            remove = gr.Button("Xóa", variant="stop", elem_id="vb-remove", scale=1)
        with gr.Row(visible=False) as confirm_row:
            confirm = gr.Button("Xác nhận xóa", variant="stop", elem_id="vb-remove-confirm")
            cancel = gr.Button("Hủy", elem_id="vb-remove-cancel")
        note = gr.Markdown(elem_id="vb-doc-note")
        with gr.Accordion("Nội dung đã phân tích", open=False, elem_id="vb-parsed-box"):
            parsed = gr.HTML(page.document_detail(None)[0], elem_id="vb-parsed")
        with gr.Accordion("Sửa thông tin đầu văn bản", open=False, elem_id="vb-fix-box"):
            with gr.Row():
                number = gr.Textbox(label="Số, ký hiệu", elem_id="vb-fix-number")
                date = gr.Textbox(label="Ngày ban hành (dd/mm/yyyy)", elem_id="vb-fix-date")
                issuer = gr.Textbox(label="Cơ quan ban hành", elem_id="vb-fix-issuer")
            save = gr.Button("Lưu thông tin đã sửa", elem_id="vb-fix-save")

        hidden = gr.update(visible=False)

        # The upload only starts a background job; a timer polls its progress, so the
        # page stays usable (questions are answered meanwhile) and no one else waits.
        status = gr.Markdown(elem_id="vb-upload-status")
        job = gr.State("")
        finished = gr.State(True)
        poll = gr.Timer(1.0, active=False)

        @_in_vietnamese
        def on_ingest(paths: list[str] | None, use_ocr: bool) -> tuple[Any, ...]:
            job_id = page.start_upload(paths, ocr=bool(use_ocr))
            text, rows, done = page.upload_status(job_id)
            return job_id, text, rows, gr.Timer(active=not done), done, "", hidden

        @_in_vietnamese
        def on_poll(job_id: str) -> tuple[Any, ...]:
            text, rows, done = page.upload_status(job_id)
            return text, rows, gr.Timer(active=not done), done

        # callable by clients (evals/load_test.py uploads while others ask), not documented
        uploaded = files.upload(
            on_ingest, [files, ocr], [job, status, results, poll, finished, note, confirm_row],
            api_name="upload", api_visibility="undocumented",
        )
        polled = poll.tick(
            on_poll, [job], [status, results, poll, finished],
            api_name="upload_status", api_visibility="undocumented",
        )

        @_in_vietnamese
        def on_filter(*values: str) -> tuple[Any, ...]:
            rows, line = page.document_table(*values)
            return rows, line, "", hidden

        for f in filters:
            f.change(on_filter, filters, [table, counts, note, confirm_row], api_visibility="private")

        @_in_vietnamese
        def on_pick(file: str | None) -> tuple[Any, ...]:
            return (*page.document_detail(file), hidden)

        detail = [parsed, number, date, issuer, confirm_row]
        picked.change(on_pick, [picked], detail, api_visibility="private")
        picked.input(lambda: "", None, [note], api_visibility="private")

        @_in_vietnamese
        def on_remove_ask(file: str | None) -> tuple[Any, ...]:
            label = page.remove_prompt(file)
            if label is None:
                return "Chọn văn bản cần xóa.", hidden, gr.update()
            return "", gr.update(visible=True), gr.update(value=label)

        remove.click(on_remove_ask, [picked], [note, confirm_row, confirm], api_visibility="private")
        cancel.click(lambda: ("", hidden), None, [note, confirm_row], api_visibility="private")

        @_in_vietnamese
        def on_remove(file: str | None) -> tuple[Any, ...]:
            return page.remove(file), hidden

        removed = confirm.click(
            on_remove,
            [picked],
            [note, confirm_row],
            api_visibility="private",
            concurrency_limit=1,
            concurrency_id="vanban-write",
        )

        @_in_vietnamese
        def on_correct(file: str | None, n: str, d: str, i: str) -> tuple[Any, ...]:
            try:
                return page.correct(file, n, d, i), hidden
            except InputError as err:  # a typing slip: say so, without gradio's "Error" overlay
                _warn(err)
                return html.escape(str(err)), hidden

        corrected = save.click(
            on_correct,
            [picked, number, date, issuer],
            [note, confirm_row],
            api_visibility="private",
            concurrency_limit=1,
            concurrency_id="vanban-write",
        )
        corrected.then(on_pick, [picked], detail, api_visibility="private")
    return {
        "filters": [*filters, picked],
        "refresh": [table, counts, *filters[1:], picked],
        "changed": [uploaded, removed, corrected],
        "polled": (polled, finished),
    }


def _document_filters() -> list[Any]:
    """Search box and the state, type and issuer filters of the document list."""
    import gradio as gr

    with gr.Row():
        query = gr.Textbox(
            label="Tìm văn bản (tên tệp, số, cơ quan ban hành, trích yếu; có dấu hoặc không dấu)",
            placeholder="ví dụ: ke hoach 45, Sở Công Thương",
            elem_id="vb-doc-search",
            scale=3,
        )
        status = gr.Dropdown(label="Trạng thái", choices=[ALL_STATUSES], value=ALL_STATUSES,
                             elem_id="vb-doc-status", scale=1)
        kind = gr.Dropdown(label="Loại văn bản", choices=[ALL_TYPES], value=ALL_TYPES,
                           elem_id="vb-doc-type", scale=1)
        issuer = gr.Dropdown(label="Cơ quan ban hành", choices=[ALL_ISSUERS], value=ALL_ISSUERS,
                             elem_id="vb-doc-issuer", scale=2)
    return [query, status, kind, issuer]


def launch_kwargs(config: Config) -> dict[str, Any]:
    """Our launch settings: bind, login (throttled), upload cap, offline look, no share/MCP/SSR."""
    from starlette.middleware import Middleware

    from vanban.web.throttle import LoginThrottle

    return {
        "server_name": config.host,
        "server_port": config.port,
        "auth": check_bind(config),
        "auth_message": "Đăng nhập để tra cứu văn bản.",
        "max_file_size": f"{upload_cap_mb(config)}mb",
        # wrong passwords from one address wait longer and longer (vanban.web.throttle)
        "app_kwargs": {"middleware": [Middleware(LoginThrottle, base_s=config.login_backoff_s,
                                                 max_s=config.login_backoff_max_s)]},
        "share": False,
        "ssr_mode": False,
        "mcp_server": False,
        "pwa": False,
        "footer_links": [],
        "show_error": True,
        "theme": _theme(),
        "css": CSS,
        "head": head_html(config),
    }


def set_offline_env() -> None:
    """No telemetry, no model downloads: set before gradio or any model is imported."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def port_busy(config: Config) -> bool:
    """Whether another program already listens on ``config.host:config.port``."""
    import errno
    import socket

    try:
        family, kind, proto, _, addr = socket.getaddrinfo(config.host, config.port,
                                                          type=socket.SOCK_STREAM)[0]
    except OSError:
        return False  # an unknown host: the server reports it
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(addr)
        except OSError as err:
            return err.errno == errno.EADDRINUSE
    return False


def port_busy_error(config: Config) -> ConfigError:
    return ConfigError(
        f"Cổng {config.port} trên {config.host} đang bận (một vanban khác hoặc chương trình khác "
        f"đang dùng) — chọn cổng khác: vanban serve --port {config.port + 1} "
        f"(hoặc VANBAN_PORT={config.port + 1} make run), hoặc tắt chương trình đang dùng cổng này.")


def start(service: PageService, config: Config, *, block: bool = True) -> tuple[gr.Blocks, str]:
    """Build, queue and launch the page; with ``block=False`` return once it serves."""
    set_offline_env()
    page = Page(service, config)
    demo = build_app(service, config, page)
    demo.queue(default_concurrency_limit=READ_CONCURRENCY)
    try:
        server, url, _ = demo.launch(prevent_thread_lock=True, quiet=not block,
                                     **launch_kwargs(config))
    except OSError:
        if port_busy(config):  # taken since launch() checked: gradio's OSError is in English
            raise port_busy_error(config) from None
        raise
    add_original_routes(server, service, config)
    add_api_routes(server, page)
    if block:
        demo.block_thread()
    return demo, url


def add_original_routes(server: Any, service: PageService, config: Config) -> None:
    """``/original/<doc_id>`` (the rendered original at a clause) and ``…/file`` (its bytes),
    behind the page's own login (:func:`_check_login`), ahead of gradio's routes.

    Only a registered document's id reaches the disk, through ``index.originals``,
    which opens nothing outside ``<db>/originals`` (``vanban.web.original``).
    """
    from fastapi import Depends
    from fastapi.responses import FileResponse, HTMLResponse, Response
    from fastapi.routing import APIRoute
    from starlette.requests import Request

    from vanban.web import original as orig

    def signed_in(request: Request) -> None:
        _check_login(request)

    # This module postpones annotations; FastAPI needs the class to inject the request.
    signed_in.__annotations__["request"] = Request
    safe = {"X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}

    def found(doc_id: str) -> orig.Original | None:
        return orig.find(service.documents(), config.db_path, doc_id)

    def view(doc_id: str, c: str = "", p: int | None = None) -> Response:
        got = found(doc_id)
        if got is None or got.view is None:
            shown = doc_id if orig.is_doc_id(doc_id) else ""
            return HTMLResponse(orig.missing_html(got, shown), 404, headers=safe)
        return HTMLResponse(orig.render(got, c or None, p), headers=safe)

    def file(doc_id: str, download: int = 0) -> Response:
        got = found(doc_id)
        if got is None or got.path is None:
            return HTMLResponse(orig.missing_html(got, doc_id if orig.is_doc_id(doc_id) else ""),
                                404, headers=safe)
        headers = {**safe, "Content-Disposition": orig.content_disposition(got.file, bool(download))}
        return FileResponse(got.path, media_type=orig.content_type(got.file), headers=headers)

    for path, endpoint in (("/original/{doc_id}", view), ("/original/{doc_id}/file", file)):
        route = APIRoute(path, endpoint, methods=["GET"], dependencies=[Depends(signed_in)],
                         response_model=None)
        server.router.routes.insert(0, route)


API_BODY_MAX_BYTES = 64 * 1024  # a question is capped at a few thousand bytes; more is refused unread


def add_api_routes(server: Any, page: Page) -> None:
    """``POST /api/ask``: a plain JSON route for programs, ahead of gradio's routes.

    The same answer as the page's ``/ask`` API and ``vanban ask --json`` (a refused
    question too: ``found`` false, the reason in ``answer`` and ``error``), behind the
    same login (:func:`_check_login`, so the login throttle guards it as well) and the
    same question length cap; at most ``READ_CONCURRENCY`` questions are answered at
    once, as gradio's queue does for ``/ask``. It skips gradio's queue, event stream
    and session: one request, one JSON reply, less CPU per question under load.
    """
    import anyio
    from fastapi import Depends
    from fastapi.responses import JSONResponse
    from fastapi.routing import APIRoute
    from starlette.requests import Request

    answer = _api_ask(page)
    limiter = anyio.CapacityLimiter(READ_CONCURRENCY)

    def signed_in(request: Request) -> None:
        _check_login(request)

    async def ask(request: Request) -> JSONResponse:
        question, problem = await _read_question(request)
        if problem is not None:
            return JSONResponse(page.refusal("", problem).to_json(), 400)
        return JSONResponse(await anyio.to_thread.run_sync(answer, question, limiter=limiter))

    # This module postpones annotations; FastAPI needs the class to inject the request.
    signed_in.__annotations__["request"] = ask.__annotations__["request"] = Request
    route = APIRoute("/api/ask", ask, methods=["POST"], dependencies=[Depends(signed_in)],
                     response_model=None)
    server.router.routes.insert(0, route)


async def _read_question(request: Any) -> tuple[str, InputError | None]:
    """The ``question`` of a ``{"question": "…"}`` body, or why the body is not one
    (a body over ``API_BODY_MAX_BYTES`` is refused without reading the rest)."""
    import json

    usage = 'gửi JSON {"question": "câu hỏi"} với Content-Type: application/json'
    body = b""
    async for part in request.stream():
        body += part
        if len(body) > API_BODY_MAX_BYTES:
            return "", InputError("câu hỏi", f"yêu cầu dài hơn {API_BODY_MAX_BYTES // 1024} KB",
                                  "hãy rút gọn câu hỏi, hỏi từng ý một")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "", InputError("câu hỏi", "thân yêu cầu không phải JSON UTF-8", usage)
    question = data.get("question") if isinstance(data, dict) else None
    if not isinstance(question, str):
        return "", InputError("câu hỏi", 'thiếu trường "question" (chuỗi)', usage)
    return question, None


def _check_login(request: Any) -> None:
    """Refuse (401) a request without the page's login, as gradio's own ``login_check`` does:
    with ``--auth`` set, the session cookie gradio issued at login must name a user.
    Fails closed: an app without those attributes, or with another auth scheme, refuses."""
    from fastapi import HTTPException

    server = request.app
    if getattr(server, "auth", None) is None and getattr(server, "auth_dependency", None) is None:
        return
    tokens, cookie = getattr(server, "tokens", None), getattr(server, "cookie_id", None)
    token = (request.cookies.get(f"access-token-{cookie}")
             or request.cookies.get(f"access-token-unsecure-{cookie}"))
    if getattr(server, "auth_dependency", None) is None and tokens and cookie and tokens.get(token):
        return
    raise HTTPException(401, "Chưa đăng nhập — hãy mở trang chính của vanban và đăng nhập trước.")


def launch(config: Config) -> None:
    """``vanban serve``: refuse an unsafe bind, a busy port or a missing index first,
    then open the index and serve."""
    from index.store import require_index

    check_bind(config)
    if port_busy(config):
        raise port_busy_error(config)
    require_index(config)
    set_offline_env()
    from vanban.service import Vanban

    service = Vanban(config)
    service.warm_up()  # the model loads before the first official asks, not during
    service.keep_tasks_ready = True  # and task texts are embedded before questions need them
    service.prefill_task_vectors()
    start(service, config, block=True)
