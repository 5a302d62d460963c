"""Load benchmark of cases (`make bench`): PostgreSQL, gunicorn (2 workers), wrk.

- submissions per second: form plus three 100 KB PDFs in one multipart request
  (`POST /api/v1/cases/submissions`), 16 connections, beside a bare Django view doing one
  insert, in the same run, and beside the floor of any submission (the same request parsed,
  its files hashed and stored, one insert) — both baselines are `tongban.benchmarks`, which
  the URL map mounts at /bench/ only with TONGBAN_BENCH (set below);
- with generated cases in the database: the applicant's case list and the staff queue,
  one connection (p50 / p99) and 16 connections (requests per second);
- peak resident memory (VmHWM) of the gunicorn workers.
"""

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("TONGBAN_BENCH_ROUNDS", "3"))
BIN = ROOT / ".venv" / "bin"
REP_CHANGE = "000131007000-310000000000-000-11310000002420033N-1-00"
FORM = {
    "office_name": "英国示范贸易有限公司上海代表处",
    "new_representative": "Jane Doe",
    "passport_number": "561234987",
    "appointment_date": "2026-11-20",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pdf_of(size: int) -> bytes:
    """A scanned page as phones and scanners make it: one A4 page holding a JPEG of about
    `size` bytes (noise, so it does not compress)."""
    side, pdf = 64, b""
    while len(pdf) < size:
        picture = Image.frombytes("L", (side, side), os.urandom(side * side))
        jpeg = io.BytesIO()
        picture.save(jpeg, "JPEG", quality=60)
        document = io.BytesIO()
        page = canvas.Canvas(document)
        page.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 36, 36, 523, 770)
        page.showPage()
        page.save()
        pdf, side = document.getvalue(), side + 4
    return pdf


def _multipart(boundary: str, fields: dict[str, str], files: dict[str, bytes]) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, data in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="scan.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def _wrk(
    url: str, *, connections: int, seconds: int, script: Path | None = None
) -> dict[str, float]:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        url,
    ]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        found = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "non2xx": float(errors.group(1)) if errors else 0.0,
    }


LUA_POST = """
local body_file = io.open("{body}", "rb")
wrk.body = body_file:read("*a")
body_file:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary={boundary}"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["X-Acting-For"] = "{acting}"
local counter = 0
local tag = tostring({{}}):sub(8) .. tostring(os.time())
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = tag .. "-" .. counter
  return wrk.format(nil)
end
"""

LUA_GET = """
wrk.headers["Authorization"] = "Bearer {token}"
"""


def _cpu_seconds(root: int) -> float:
    """CPU time (user + system) a process and all its descendants have used so far,
    including children already gone (reaped: counted in their parent's `cutime`)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            fields = (child / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(child.name)
        parents.setdefault(int(fields[1]), []).append(pid)
        times[pid] = sum(int(v) for v in fields[11:15]) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += parents.get(pid, [])
    return total


def _peak_rss_mb(master_pid: int) -> float:
    peaks = []
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", status, re.M):
            found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
            if found:
                peaks.append(int(found.group(1)) / 1024)
    return max(peaks) if peaks else float("nan")


def bench_cases_load(*, generated_cases: int = 1_000_000) -> list[str]:
    work = Path(tempfile.mkdtemp(prefix="tongban-bench-cases-"))
    pg_folder = Path(tempfile.gettempdir()) / f"tongban-bench-cases-pg-{os.getpid()}"
    url = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-server"), "start", str(pg_folder)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "tongban.conf.dev",
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_DATA_DIR": str(work),
        "TONGBAN_DEBUG": "0",
        "TONGBAN_BENCH": "1",
        # as in production: the platform clock is never moved (no clock file to check)
        "TONGBAN_CLOCK_ADJUSTABLE": "0",
        "TONGBAN_WEB_WORKERS": os.environ.get("BENCH_WORKERS", "2"),
        "TONGBAN_WEB_THREADS": os.environ.get("BENCH_THREADS", "4"),
        "PORT": str(port),
    }
    processes: list[subprocess.Popen[bytes]] = []
    web_process: list[subprocess.Popen[bytes] | None] = [None]

    def tongban(*args: str) -> str:
        return subprocess.run(
            [str(BIN / "tongban"), *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    try:
        tongban("migrate", "--no-input", "-v", "0")
        tongban("catalog", "load")
        tongban("demo_data")
        standins = subprocess.Popen(
            [str(BIN / "tongban"), "standins"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(standins)
        web = subprocess.Popen(
            [str(BIN / "tongban"), "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        processes.append(web)
        web_process[0] = web
        setup = json.loads(
            tongban("shell", "-c", SETUP.replace("{count}", str(generated_cases)))
            .strip()
            .splitlines()[-1]
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)

        # 1. submissions beside a bare insert
        boundary = "tongbanbenchboundary"
        pdf = _pdf_of(100 * 1024)
        files = {f"material_{i}": pdf for i in setup["positions"]}
        body = work / "body.bin"
        body.write_bytes(
            _multipart(
                boundary,
                {
                    "service_code": REP_CHANGE,
                    "form": json.dumps(FORM, ensure_ascii=False),
                },
                files,
            )
        )
        post = work / "post.lua"
        post.write_text(
            LUA_POST.format(
                body=body,
                boundary=boundary,
                token=setup["handler_token"],
                acting=setup["acting"],
            )
        )
        bare = work / "bare.lua"
        bare.write_text('wrk.method = "POST"\n')
        # 2. lists with many cases
        applicant = work / "applicant.lua"
        applicant.write_text(LUA_GET.format(token=setup["busy_token"]))
        staff = work / "staff.lua"
        staff.write_text(LUA_GET.format(token=setup["staff_token"]))
        targets = {
            "applicant's case list": ("/api/v1/cases", applicant),
            "staff queue": ("/api/v1/workbench/queue", staff),
        }
        # The machine is shared: every figure is the median of ROUNDS wrk runs, and the
        # submissions and their baseline run back to back in each round.
        runs: dict[str, list[dict[str, float]]] = {}
        postmaster = int((pg_folder / "data" / "postmaster.pid").read_text().split()[0])
        sides = {"web": web.pid, "postgres": postmaster, "stand-ins": standins.pid}

        def with_cpu(
            path: str, seconds: int, script: Path
        ) -> tuple[dict[str, float], dict[str, float]]:
            """wrk's figures, and the CPU time each side used per request meanwhile."""
            before = {name: _cpu_seconds(pid) for name, pid in sides.items()}
            wrk_before = os.times()
            figures = _wrk(base + path, connections=16, seconds=seconds, script=script)
            wrk_after = os.times()
            done = figures["rps"] * seconds
            cpu = {
                name: (_cpu_seconds(pid) - before[name]) * 1000 / done
                for name, pid in sides.items()
            }
            wrk_cpu = (wrk_after.children_user - wrk_before.children_user) + (
                wrk_after.children_system - wrk_before.children_system
            )
            cpu["wrk"] = wrk_cpu * 1000 / done
            return figures, cpu

        for _round in range(ROUNDS):
            measured: dict[str, dict[str, float]] = {}
            for key, path, seconds, script in (
                ("submissions", "/api/v1/cases/submissions", 15, post),
                ("baseline", "/bench/bare-insert", 10, bare),
                ("floor", "/bench/upload-floor", 10, post),
            ):
                measured[key], measured[key + ":cpu"] = with_cpu(path, seconds, script)
            measured["ratio"] = {
                "rps": measured["submissions"]["rps"] / measured["baseline"]["rps"]
            }
            for name, (path, script) in targets.items():
                measured[name + ":1"] = _wrk(
                    base + path, connections=1, seconds=10, script=script
                )
                measured[name + ":16"] = _wrk(
                    base + path, connections=16, seconds=10, script=script
                )
            for key, figures in measured.items():
                runs.setdefault(key, []).append(figures)

        def median(key: str) -> dict[str, float]:
            figures = runs[key]
            return {
                field: statistics.median(f.get(field, 0.0) for f in figures)
                for field in figures[0]
            }

        submissions, baseline = median("submissions"), median("baseline")
        floor = median("floor")
        cpu = {
            key: median(key + ":cpu") for key in ("submissions", "baseline", "floor")
        }
        ratio = median("ratio")["rps"]
        lists = {name: (median(name + ":1"), median(name + ":16")) for name in targets}
        peak = _peak_rss_mb(web.pid)
        total = int(
            tongban(
                "shell",
                "-c",
                "from tongban.cases.models import Case; print(Case.objects.count())",
            )
            .strip()
            .splitlines()[-1]
        )
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if process is web_process[0]:
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(
            [str(ROOT / "scripts" / "pg-test-server"), "stop", str(pg_folder)],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(work, ignore_errors=True)

    met = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    lines = [
        "## Cases under load (PostgreSQL, gunicorn with 2 workers, wrk)",
        "",
        f"{generated_cases:,} generated cases in the database ({total:,} after the run) of 50,000 "
        "applicants, spread over "
        f"the seed catalogue's services; the busy applicant has {generated_cases // 500:,} of them "
        "(a page of 20 is asked for), the staff queue holds its department's open cases (a page "
        f"of 50). Each figure is the median of {ROUNDS} wrk runs on this shared machine; the "
        "ratio is the median of the per-round ratios (submissions and baseline measured back "
        "to back). Materials are scanned pages: one A4 page holding a JPEG, as phones and "
        "scanners make them.",
        "",
        "| what | requests/s | p50 | p99 | goal |",
        "|---|---|---|---|---|",
        f"| case submission: form + three 100 KB PDFs, 16 connections | {submissions['rps']:.0f} | {submissions['p50']:.1f} ms | {submissions['p99']:.1f} ms | ≥ 200/s: {met(submissions['rps'] >= 200)} |",
        f"| baseline: bare Django view doing one insert, 16 connections | {baseline['rps']:.0f} | {baseline['p50']:.1f} ms | {baseline['p99']:.1f} ms | — |",
        f"| ratio submission / bare insert | {ratio:.2f} | | | |",
        f"| floor: the same request parsed, three files hashed and stored, one insert | {floor['rps']:.0f} | {floor['p50']:.1f} ms | {floor['p99']:.1f} ms | — |",
    ]
    for name, (one, many) in lists.items():
        lines.append(
            f"| {name}, 1 connection | {one['rps']:.0f} | {one['p50']:.1f} ms | {one['p99']:.1f} ms | ≤ 15 / ≤ 60 ms: {met(one['p50'] <= 15 and one['p99'] <= 60)} |"
        )
        lines.append(
            f"| {name}, 16 connections | {many['rps']:.0f} | {many['p50']:.1f} ms | {many['p99']:.1f} ms | ≥ 500/s: {met(many['rps'] >= 500)} |"
        )
    lines += [
        f"| peak resident memory of one web worker (VmHWM) | {peak:.0f} MB | | | ≤ 250 MB: {met(peak <= 250)} |",
        "",
        f"Non-2xx answers: submissions {submissions['non2xx']:.0f}, baseline {baseline['non2xx']:.0f}, floor {floor['non2xx']:.0f}.",
        "",
        "CPU time per request while each ran (medians; this machine has "
        f"{os.cpu_count()} cores, so the 200/s goal leaves "
        f"{(os.cpu_count() or 1) * 1000 / 200:.0f} ms of CPU per submission for "
        "everything — web workers, PostgreSQL, stand-ins and wrk):",
        "",
        "| run | web workers | PostgreSQL | stand-ins | wrk | in all |",
        "|---|---|---|---|---|---|",
        *(
            f"| {label} | {c['web']:.1f} ms | {c['postgres']:.1f} ms | "
            f"{c['stand-ins']:.1f} ms | {c['wrk']:.1f} ms | {sum(c.values()):.1f} ms |"
            for label, c in (
                ("case submission", cpu["submissions"]),
                ("bare insert", cpu["baseline"]),
                ("upload floor", cpu["floor"]),
            )
        ),
        "",
    ]
    return lines


SETUP = r'''
import json, datetime as dt
from django.conf import settings
from django.db import connection
from tongban.accounts.models import Person, Company, StaffProfile
from tongban.accounts.services import api_session_open
from tongban.catalog.models import ServiceItem
Person.objects.filter(name="陈美玲").update(level=3)
handler = Person.objects.get(name="陈美玲")
office = Company.objects.get(uscc="91310000ME2X0A1173")
item = ServiceItem.objects.get(code="REP")
materials = item.current.content.get("materials") or []
# files for what the applicant uploads: not the online form itself (a 422), nor what the
# legal-entity registry holds for the office
positions = [i for i, m in enumerate(materials) if m.get("required", True) and m.get("source") not in ("legal_entity_registry", "online_form")]
busy = Person.objects.get(name="张伟")
staff = StaffProfile.objects.get(user__username="sh-amr-intake")
count = {count}
with connection.cursor() as cursor:
    # Applicants: 50,000 synthetic people (their numbers are placeholders, never shown).
    cursor.execute("""
        INSERT INTO accounts_person (name, doc_type, doc_encrypted, doc_index, doc_masked,
            nationality, birth_date, phone_encrypted, phone_index, phone_masked,
            phone_confirmed_at, email, email_confirmed_at, level, level_evidence, level_at,
            created_at, created_by_id, created_by_department_id, user_id, language)
        SELECT '申请人' || g, 'resident_id', 'bench', 'bench-' || g, '******', 'CHN', NULL,
            '', '', '', NULL, '', NULL, 1, 'phone', NULL, now(), NULL, NULL, NULL, %(language)s
        FROM generate_series(1, 50000) AS g
    """, {"language": settings.LANGUAGE_CODE})
    cursor.execute("SELECT min(id) FROM accounts_person WHERE doc_index LIKE 'bench-%%'")
    first_person = cursor.fetchone()[0]
    cursor.execute("""
        INSERT INTO cases_case (number, item_id, version_id, department_id, region, submitted_by_id,
            applicant_person_id, applicant_company_id, channel, approval_mode, case_type, form_data,
            status, row_version, received_on, accepted_on, accepted_by_law, correction_due,
            legal_deadline, promised_deadline, deadline_pending_year, extended, decided_on,
            closing_type, closed_at, delivery_due, delivered_at, delivery_proof, claimed_by_id,
            idempotency_key, created_at, updated_at,
            applicant_kind, applicant_label, applicant_identifier)
        SELECT 'G-' || g, i.id, i.current_id, i.department_id, i.region,
            p.id, NULL, NULL, 'web', 'standard', i.case_type, '{}',
            (ARRAY['received','accepted','reviewed','closed','closed','closed'])[1 + g %% 6], 1,
            DATE '2026-01-01' + (g %% 300), DATE '2026-01-02' + (g %% 300), false, NULL,
            DATE '2026-01-20' + (g %% 300), DATE '2026-01-08' + (g %% 300), NULL, false, NULL,
            '', NULL, NULL, NULL, '', NULL, '', now() - (g || ' seconds')::interval, now(),
            'person', p.name, p.doc_masked
        FROM generate_series(1, %(count)s) AS g
        JOIN LATERAL (SELECT id, current_id, department_id, region, case_type FROM catalog_serviceitem
                      ORDER BY id OFFSET (g %% (SELECT count(*) FROM catalog_serviceitem)) LIMIT 1) i ON true
        -- who files it (the applicant: the cases are their own), named on the case as
        -- the platform names it at filing
        JOIN accounts_person p
            ON p.id = CASE WHEN g %% 500 = 0 THEN %(busy)s ELSE %(first)s + g %% 50000 END
    """, {"busy": busy.pk, "count": count, "first": first_person})
    cursor.execute("ANALYZE cases_case")
print(json.dumps({
    "handler_token": api_session_open(handler.user).access_token,
    "busy_token": api_session_open(busy.user).access_token,
    "staff_token": api_session_open(staff.user).access_token,
    "acting": f"company:{office.pk}",
    "positions": positions,
}))
'''.replace('code="REP"', f'code="{REP_CHANGE}"')
