"""Outage drill in real time (`make bench ONLY=outage`): the SMS gateway down for 300 s.

A whole tongban under the demo's runner (SQLite, the demo's database); applicants submit
a case every two seconds before, during and after the outage; `/healthz` is read every
five seconds. Reports what the drill in the test suite checks on the platform clock —
every message delivered exactly once, nothing lost — with the real times: how long
messages waited, how many attempts they took, how soon after the gateway came back the
last one went, and what `/healthz` showed meanwhile. TONGBAN_BENCH_OUTAGE_SECONDS
shortens the outage for a trial run.
"""

import os
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.drills import (  # noqa: E402 — the drills live beside the tests
    Answer,
    Books,
    drill_instance,
    outbox_settled,
    scan_pdf,
)

OUTAGE_SECONDS = float(os.environ.get("TONGBAN_BENCH_OUTAGE_SECONDS", "300"))
BEFORE_SECONDS = 20.0
EVERY_SECONDS = 2.0


def _seconds(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def bench_outage() -> list[str]:
    with drill_instance("bench-outage") as instance:
        pdf = scan_pdf("outage")
        answers: list[tuple[float, Answer]] = []
        health: list[tuple[float, bool | None]] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                try:
                    sms = instance.healthz()["checks"]["outside_systems"]["systems"][
                        "sms"
                    ]
                    health.append((time.time(), bool(sms["reachable"])))
                except (OSError, ValueError, KeyError):
                    health.append((time.time(), None))
                stop.wait(5)

        def apply_until(moment: float) -> None:
            while time.time() < moment:
                sent = time.time()
                answers.append((sent, instance.submit(f"outage-{len(answers)}", pdf)))
                time.sleep(max(0.0, EVERY_SECONDS - (time.time() - sent)))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        apply_until(time.time() + BEFORE_SECONDS)
        down_at = time.time()
        instance.sms_down(True)
        apply_until(down_at + OUTAGE_SECONDS)
        instance.sms_down(False)
        up_at = time.time()
        apply_until(up_at + BEFORE_SECONDS)
        # after four failures the next attempt may be 8 minutes away: wait up to 20
        instance.wait(lambda: outbox_settled(instance), 1200, "every message sent")
        settled_at = time.time()
        stop.set()
        watcher.join()

        books = Books(
            instance.books(),
            [answer for _sent, answer in answers],
            instance.sms_delivered(),
            instance.setup["phone"],
        ).check(positions=len(instance.setup["positions"]))
    sent_at = {answer.number: sent for sent, answer in answers}
    delivered = [m for m in books.delivered if m["to"] == instance.setup["phone"]]
    wait_of: dict[str, float] = {}
    for message in delivered:
        number = next((n for n in sent_at if n and n in message["text"]), None)
        if number:
            wait_of[number] = _seconds(message["at"]) - sent_at[number]
    waits = list(wait_of.values())
    during = [
        wait_of[a.number]
        for sent, a in answers
        if down_at <= sent < up_at and a.number in wait_of
    ]
    attempts = Counter(m["attempts"] for m in books.data["outbox"])
    last_delivery = max(_seconds(m["at"]) for m in delivered) if delivered else up_at
    down_seen = [t for t, ok in health if ok is False]
    up_seen = [t for t, ok in health if ok and t > up_at]
    keys = Counter(m.get("key") for m in books.delivered)

    def q(values: list[float], share: float) -> str:
        if not values:
            return "—"
        ordered = sorted(values)
        return f"{ordered[min(len(ordered) - 1, int(share * len(ordered)))]:.0f} s"

    return [
        "## Outage drill (SMS gateway down, real time)",
        "",
        f"The SMS stand-in answered 503 for {OUTAGE_SECONDS:.0f} s; a case was submitted "
        f"every {EVERY_SECONDS:.0f} s from {BEFORE_SECONDS:.0f} s before to "
        f"{BEFORE_SECONDS:.0f} s after (SQLite, `scripts/supervise`, the outbox's "
        "backoff 1, 2, 4, 8 … minutes). Goal: every message delivered exactly once "
        "after the outage, nothing lost, `/healthz` showing the gateway down and up.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| cases submitted / answered 201 | {len(answers)} / "
        f"{sum(a.status == 201 for _s, a in answers)} |",
        f"| outbox messages / sent | {len(books.data['outbox'])} / "
        f"{sum(m['status'] == 'sent' for m in books.data['outbox'])} |",
        f"| delivered by the gateway / more than once | {len(books.delivered)} / "
        f"{sum(1 for k, n in keys.items() if k and n > 1)} |",
        f"| problems found (tests/drills.py `Books`) | {len(books.problems)} |",
        f"| attempts per message (attempts: messages) | "
        f"{', '.join(f'{k}: {v}' for k, v in sorted(attempts.items()))} |",
        f"| wait from submission to SMS, submitted during the outage: median / p90 / max "
        f"| {q(during, 0.5)} / {q(during, 0.9)} / {q(during, 1.0)} |",
        f"| wait, all messages: median | {statistics.median(waits):.1f} s |"
        if waits
        else "| wait, all messages | — |",
        f"| last SMS delivered after the gateway came back | {last_delivery - up_at:.0f} s |",
        f"| every message sent, after the gateway came back | {settled_at - up_at:.0f} s |",
        f"| `/healthz` showed the gateway down, after it went down | "
        f"{(min(down_seen) - down_at) if down_seen else float('nan'):.0f} s |",
        f"| `/healthz` showed it up again, after it came back | "
        f"{(min(up_seen) - up_at) if up_seen else float('nan'):.0f} s |",
        "",
        *(f"- problem: {p}" for p in books.problems[:10]),
        *([""] if books.problems else []),
        "The wait after the gateway returns is the outbox's backoff, not the platform: a "
        "message that failed four times is next tried up to 8 minutes later. A shorter "
        "cap would deliver sooner and knock harder on a gateway that is still weak.",
        "",
    ]
