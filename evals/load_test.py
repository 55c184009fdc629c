"""Load test: many officials asking at once through the ``/ask`` API of a running page.

Not a unit test: start the app first (``vanban serve --db .vanban``), then

    .venv/bin/python evals/load_test.py --url http://127.0.0.1:7860/ --users 20 --rounds 3

Each simulated user has its own client (``--client``: ``http``, Gradio's REST
API ``/gradio_api/call/ask``; ``api``, the plain JSON route ``POST /api/ask``;
``gradio``, ``gradio_client``) and asks ``--rounds`` questions back to back; all
users start together. Prints p50/p95/max latency,
throughput and errors (``--json`` for a machine-readable line).

The server remembers query embeddings, so the five built-in questions, asked
over and over, measure the warm path. ``--questions evals/questions.jsonl``
gives every request its own question (while the file has enough of them):
the path where each question is embedded anew.

``--upload FILE``: the scenario "one upload plus N askers". First the askers
alone (the baseline, in the same run), then one more client uploads FILE
through the page's upload endpoint and the askers keep asking until it is
stored; both rows are printed side by side. FILE must not be in the index yet
(``vanban remove <tệp>`` between runs), else the upload is "không đổi" at once.

    .venv/bin/python evals/load_test.py --questions evals/questions.jsonl \
        --upload ../shared/corpus/<văn bản 221 điều khoản>.docx
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = (
    "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?",
    "Sở Công Thương phải trình Ủy ban nhân dân tỉnh quy chế phối hợp trước ngày nào?",
    "Cơ quan nào lập danh mục cơ sở sử dụng hóa chất nguy hiểm, hạn khi nào?",
    "Chủ đầu tư hạ tầng cụm công nghiệp báo cáo hiện trạng cấp nước chữa cháy trước ngày nào?",
    "Ai tổ chức tập huấn cho người lao động tại cơ sở sử dụng hóa chất nguy hiểm?",
)


# Gold assignments read from the documents (task quotes and bodies): the material of
# ``generated_questions``, so a long run need not ask any question twice.
GOLD_FILES = (ROOT / "evals" / "gold" / "assignments.jsonl",
              ROOT / "evals" / "wide" / "dev_assignments.jsonl")
_FORMS = ("Ai chủ trì {t}?", "Đơn vị nào chịu trách nhiệm {t}?", "{T} hạn khi nào?",
          "Cơ quan nào phối hợp {t}?", "{b} phải làm gì về {t}?")
_TASK_WORDS = (5, 8, 11)


def question_forms(body: str, quote: str) -> list[str]:
    """Questions an official might ask about one assignment: each form, with the task
    cut to a few lengths.

    >>> forms = question_forms("Sở Xây dựng", "Rà soát quy hoạch ngành, báo cáo Ủy ban nhân dân tỉnh.")
    >>> len(forms), forms[0], forms[4]
    (15, 'Ai chủ trì rà soát quy hoạch ngành?', 'Sở Xây dựng phải làm gì về rà soát quy hoạch ngành?')
    """
    words = quote.strip().rstrip(".;:").split()
    out = []
    for n in _TASK_WORDS:
        if len(words) < n:
            break
        task = " ".join(words[:n]).rstrip(",;:.")
        t = task[0].lower() + task[1:]
        out += [form.format(t=t, T=task[0].upper() + task[1:], b=body) for form in _FORMS]
    return out


def generated_questions(paths: Sequence[Path] = GOLD_FILES, seed: int = 12) -> tuple[str, ...]:
    """Distinct questions built from gold assignments, shuffled with ``seed`` (thousands:
    enough for 20 askers through a whole upload without asking one twice)."""
    seen: dict[str, None] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("body") and row.get("quote"):
                seen.update(dict.fromkeys(question_forms(row["body"], row["quote"])))
    out = list(seen)
    random.Random(seed).shuffle(out)
    return tuple(out)


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_found: int = 0
    asked: set[str] = field(default_factory=set)
    repeated: int = 0  # questions asked a second time (the question set ran out)


@dataclass
class Report:
    users: int
    requests: int
    errors: int
    not_found: int
    p50_s: float
    p95_s: float
    max_s: float
    wall_s: float
    per_s: float
    client_cpu_ms: float = 0.0  # this load generator's CPU per answered question
    repeated: int = 0  # questions asked before in this run (the server remembers their vectors)
    server_cpu_ms: float | None = None  # the server's (``--server-pid``), robust to a busy machine


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``); None elsewhere
    or when it is gone.

    >>> import os
    >>> process_cpu_s(os.getpid()) > 0
    True
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95)
    (2.0, 4.0)
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def read_questions(path: str) -> tuple[str, ...]:
    """Questions from a file: JSON lines with a ``question`` key, or one question a line."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            out.append(str(json.loads(line)["question"]) if line.startswith("{") else line)
    if not out:
        raise SystemExit(f"{path}: không có câu hỏi nào — mỗi dòng một câu hoặc JSON có khóa 'question'.")
    return tuple(out)


AskFn = Callable[[str], Any]


class HttpAsker:
    """One official through Gradio's REST API, as ``curl`` uses it: ``POST
    /gradio_api/call/ask`` gives an event id, ``GET`` on it streams the result.

    The load generator shares the server's 2 cores, so it must cost little:
    ``gradio_client`` spent ~175 ms of client CPU per question here (10.5 s for
    60), which a run on one machine charges to the server's latency.

    Each asker keeps one session, as a browser tab does: Gradio builds a session's
    state (a copy of every block's config, ~50 ms here) once per session, so a
    call without one would pay it on every question. The session is opened by
    one question before the clock starts (a tab's first interaction).
    """

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        import uuid

        import httpx

        self.base = url.rstrip("/")
        self.http = httpx.Client(timeout=120.0)
        self.session = uuid.uuid4().hex[:11]
        if auth:
            self.http.post(f"{self.base}/login", data={"username": auth[0], "password": auth[1]})
        self("Văn bản nào đã được nạp?")

    def __call__(self, question: str) -> Any:
        sent = self.http.post(f"{self.base}/gradio_api/call/ask",
                              json={"data": [question], "session_hash": self.session})
        sent.raise_for_status()
        event = sent.json()["event_id"]
        kind, data = "", ""
        with self.http.stream("GET", f"{self.base}/gradio_api/call/ask/{event}") as reply:
            for line in reply.iter_lines():
                if line.startswith("event:"):
                    kind = line.partition(":")[2].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    data = line.partition(":")[2].strip()
                    break
        if kind != "complete":
            raise RuntimeError(f"máy chủ trả {kind or 'không có kết quả'}: {data[:200]}")
        return json.loads(data)[0]


class ApiAsker:
    """One official through the plain JSON route ``POST /api/ask`` (``--client api``):
    one request, one JSON reply — no Gradio queue, event stream or session. Logs in
    first when the page asks for a login, as a browser would."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        import httpx

        self.base = url.rstrip("/")
        self.http = httpx.Client(timeout=120.0)
        if auth:
            self.http.post(f"{self.base}/login", data={"username": auth[0], "password": auth[1]})

    def __call__(self, question: str) -> Any:
        reply = self.http.post(f"{self.base}/api/ask", json={"question": question})
        reply.raise_for_status()
        return reply.json()


def gradio_asker(url: str, auth: tuple[str, str] | None) -> AskFn:
    """One official through ``gradio_client`` (heavier on the client; ``--client gradio``)."""
    from gradio_client import Client

    client = Client(url, auth=auth, verbose=False)
    return lambda question: client.predict(question, api_name="/ask")


ASKERS: dict[str, Callable[[str, tuple[str, str] | None], AskFn]] = {
    "http": HttpAsker, "api": ApiAsker, "gradio": gradio_asker}


def run_user(
    url: str,
    auth: tuple[str, str] | None,
    rounds: int,
    offset: int,
    u: int,
    users: int,
    start: threading.Barrier,
    out: Outcome,
    lock: threading.Lock,
    questions: Sequence[str] = QUESTIONS,
    more: Callable[[], bool] = lambda: False,
    client_kind: str = "http",
) -> None:
    """One official: connect, wait for everyone, then ask ``rounds`` questions (and go on
    while ``more()`` says so: an upload is still running)."""
    try:
        ask = ASKERS[client_kind](url, auth)
    except Exception as err:  # a refused connection is a result here, not a crash
        start.wait()
        with lock:
            out.errors.append(f"kết nối: {err}")
        return
    start.wait()
    i = 0
    while i < rounds or more():
        # Asker u takes every users-th question from ``offset``: no two askers share one
        # until the set runs out.
        question = questions[(offset + i * users + u) % len(questions)]
        i += 1
        with lock:
            out.repeated += question in out.asked
            out.asked.add(question)
        t0 = time.perf_counter()
        try:
            result: Any = ask(question)
        except Exception as err:
            with lock:
                out.errors.append(f"{question[:40]}…: {err}")
            continue
        elapsed = time.perf_counter() - t0
        with lock:
            out.latencies.append(elapsed)
            if not (isinstance(result, dict) and result.get("found")):
                out.not_found += 1


def load_test(
    url: str, users: int, rounds: int, auth: tuple[str, str] | None,
    questions: Sequence[str] = QUESTIONS, more: Callable[[], bool] = lambda: False,
    offset: int = 0, client_kind: str = "http", server_pid: int | None = None,
) -> tuple[Report, list[str]]:
    """Run ``users`` concurrent askers; the summary and the first few error messages.

    ``more``: keep asking after ``rounds`` while it says so; ``offset``: start that far
    into ``questions`` (a second run in the same process asks new questions);
    ``server_pid``: also report the server's CPU per question (same machine only).
    """
    out, lock = Outcome(), threading.Lock()
    start = threading.Barrier(users + 1)
    with ThreadPoolExecutor(max_workers=users) as pool:
        for u in range(users):
            pool.submit(run_user, url, auth, rounds, offset, u, users, start, out, lock, questions,
                        more, client_kind)
        start.wait()
        t0, cpu0 = time.perf_counter(), time.process_time()
        server0 = process_cpu_s(server_pid) if server_pid else None
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    server = process_cpu_s(server_pid) if server_pid else None
    answered = max(1, len(out.latencies))
    lat = out.latencies or [float("nan")]
    return Report(
        users=users,
        requests=len(out.latencies) + len(out.errors),
        errors=len(out.errors),
        not_found=out.not_found,
        p50_s=round(statistics.median(lat) if out.latencies else float("nan"), 3),
        p95_s=round(percentile(lat, 95), 3),
        max_s=round(max(lat), 3),
        wall_s=round(wall, 3),
        per_s=round(len(out.latencies) / wall, 2) if wall else 0.0,
        client_cpu_ms=round(1000 * cpu / answered, 1),
        repeated=out.repeated,
        server_cpu_ms=(round(1000 * (server - server0) / answered, 1)
                       if server is not None and server0 is not None else None),
    ), out.errors[:5]


@dataclass
class Upload:
    """One upload through the page's endpoint, run beside the askers."""

    started: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    seconds: float = 0.0
    status: str = ""


def run_upload(url: str, auth: tuple[str, str] | None, path: str, up: Upload) -> None:
    """Upload ``path`` (``/upload``), then poll ``/upload_status`` until it is stored."""
    from gradio_client import Client, handle_file

    try:
        client = Client(url, auth=auth, verbose=False)
        t0 = time.perf_counter()
        got: Any = client.predict([handle_file(path)], False, api_name="/upload")
        up.started.set()
        text, misses = str(got[0] if isinstance(got, (list, tuple)) else got), 0
        while not text.startswith(("Đã nạp xong", "Nạp dừng")):
            time.sleep(0.5)
            try:
                got = client.predict(api_name="/upload_status")
            except Exception:  # one lost poll on a loaded machine is not a failed upload
                misses += 1
                if misses > 20:
                    raise
                continue
            text = str(got[0] if isinstance(got, (list, tuple)) else got)
        up.seconds, up.status = time.perf_counter() - t0, text
    except Exception as err:  # the upload failing is a result to print
        up.status = f"lỗi tải lên: {err}"
    finally:
        up.started.set()
        up.done.set()


def with_upload(url: str, users: int, rounds: int, auth: tuple[str, str] | None,
                questions: Sequence[str], path: str,
                client_kind: str = "http") -> tuple[Report, list[str], Upload]:
    """The askers while one upload of ``path`` runs (they go on until it is stored)."""
    up = Upload()
    uploader = threading.Thread(target=run_upload, args=(url, auth, path, up), daemon=True)
    uploader.start()
    up.started.wait()
    report, errors = load_test(url, users, rounds, auth, questions,
                               more=lambda: not up.done.is_set(), offset=users * rounds,
                               client_kind=client_kind)
    uploader.join()
    return report, errors, up


def _line(name: str, r: Report) -> str:
    return (f"{name:<22} {r.requests:>6} {r.errors:>5} {r.not_found:>6} {r.repeated:>6}  "
            f"{r.p50_s:>6.3f} {r.p95_s:>6.3f} {r.max_s:>6.3f} {r.per_s:>7.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Đo tải: nhiều cán bộ cùng hỏi qua API /ask.")
    ap.add_argument("--url", default="http://127.0.0.1:7860/", help="địa chỉ trang vanban")
    ap.add_argument("--users", type=int, default=20, help="số người hỏi đồng thời")
    ap.add_argument("--rounds", type=int, default=3, help="số câu hỏi mỗi người")
    ap.add_argument("--auth", default=None, help="user:password nếu trang yêu cầu đăng nhập")
    ap.add_argument("--json", action="store_true", help="in một dòng JSON")
    ap.add_argument("--questions", default=None,
                    help="tệp câu hỏi (JSONL có khóa question, hoặc mỗi dòng một câu)")
    ap.add_argument("--generated", action="store_true",
                    help="thêm sau các câu hỏi hàng nghìn câu sinh từ giao việc gold (evals/gold, "
                         "evals/wide): chạy dài, kể cả lúc tải lên, không câu nào hỏi lại")
    ap.add_argument("--upload", default=None,
                    help="kịch bản một người tải lên tệp này trong lúc những người khác hỏi "
                         "(in kèm số đo không tải lên, đo cùng lần chạy)")
    ap.add_argument("--server-pid", type=int, default=None,
                    help="mã tiến trình vanban serve (cùng máy): in thêm CPU máy chủ mỗi câu hỏi, "
                         "số đo ít phụ thuộc máy bận hay rảnh")
    ap.add_argument("--client", choices=sorted(ASKERS), default="http",
                    help="cách hỏi: http (API REST của Gradio, nhẹ), api (POST /api/ask, "
                         "JSON thuần, nhẹ nhất) hoặc gradio (gradio_client)")
    args = ap.parse_args(argv)
    auth: tuple[str, str] | None = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        auth = (user, password)
    questions = read_questions(args.questions) if args.questions else QUESTIONS
    if args.generated:
        questions = tuple(dict.fromkeys(questions + generated_questions()))
    report, sample_errors = load_test(args.url, args.users, args.rounds, auth, questions,
                                      client_kind=args.client, server_pid=args.server_pid)
    if args.upload:
        during, more_errors, up = with_upload(args.url, args.users, args.rounds, auth, questions,
                                              args.upload, args.client)
        rows = {"baseline": asdict(report), "upload": asdict(during),
                "upload_seconds": round(up.seconds, 1), "upload_status": up.status}
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        else:
            print(f"{'kịch bản':<22} {'câu':>6} {'lỗi':>5} {'k.thấy':>6} {'lặp':>6}  {'p50':>6} {'p95':>6} "
                  f"{'max':>6} {'câu/s':>7}")
            print(_line(f"{args.users} người hỏi", report))
            print(_line("+ 1 tải lên", during))
            print(f"tải lên {Path(args.upload).name}: {up.seconds:.1f}s — {up.status}")
        for e in (sample_errors + more_errors)[:5]:
            print(f"  lỗi: {e}", file=sys.stderr)
        failed = report.errors or during.errors or not up.status.startswith("Đã nạp xong")
        return 1 if failed else 0
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
    else:
        print(
            f"{report.users} người × {args.rounds} câu: {report.requests} yêu cầu, "
            f"{report.errors} lỗi, {report.not_found} không tìm thấy, {report.repeated} câu hỏi lại"
        )
        print(f"độ trễ p50 {report.p50_s:.3f}s  p95 {report.p95_s:.3f}s  max {report.max_s:.3f}s")
        print(f"tổng {report.wall_s:.2f}s, {report.per_s:.2f} câu/giây")
        server = f", máy chủ {report.server_cpu_ms:.0f} ms" if report.server_cpu_ms is not None else ""
        print(f"CPU mỗi câu: máy đo tải {report.client_cpu_ms:.0f} ms{server}")
    for e in sample_errors:
        print(f"  lỗi: {e}", file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
