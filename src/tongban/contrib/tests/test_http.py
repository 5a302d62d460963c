"""The outside systems' HTTP client: pooled connections, timeouts, retries of GETs only."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from tongban.contrib import registries
from tongban.contrib.http import OutsideSystemUnavailable, call, pool
from tongban.contrib.sms import sms_send
from tongban.contrib.standins.server import StandinServer, make_server
from tongban.ops.ports import free_port

SYSTEMS = ("sms", "population", "exit_entry", "legal_entity")


class TinyServer:
    """A raw HTTP server on 127.0.0.1 that drops the first connection after reading its
    request (`drop_first`), or never answers at all (`silent`); else answers 200."""

    def __init__(self, *, drop_first: bool = False, silent: bool = False) -> None:
        self.drop_first = drop_first
        self.silent = silent
        self.requests: list[str] = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            number = self.connections
            threading.Thread(
                target=self._serve, args=(connection, number), daemon=True
            ).start()

    def _serve(self, connection: socket.socket, number: int) -> None:
        with connection, connection.makefile("rb") as incoming:
            while True:
                line = incoming.readline()
                if not line:
                    return
                length = 0
                while (header := incoming.readline()) not in (b"\r\n", b""):
                    name, _sep, value = header.decode().partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                incoming.read(length)
                self.requests.append(" ".join(line.decode().split()[:2]))
                if self.silent:
                    incoming.read()  # until the client gives up and closes
                    return
                if self.drop_first and number == 1:
                    return
                body = b'{"id": "m1", "ok": true}'
                status = b"202 Accepted" if line.startswith(b"POST") else b"200 OK"
                connection.sendall(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def tiny_server(request: pytest.FixtureRequest) -> Iterator[TinyServer]:
    server = TinyServer(**getattr(request, "param", {}))
    with override_settings(
        OUTSIDE_SYSTEMS={name: f"{server.url}/{name}" for name in SYSTEMS},
        OUTSIDE_SYSTEM_RETRIES=2,
    ):
        yield server
    server.close()


@pytest.fixture
def own_standins(tmp_path: Path) -> Iterator[StandinServer]:
    """A fresh stand-in server of this test's own, so it counts only this test's calls."""
    server = make_server(tmp_path / "standins")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with override_settings(OUTSIDE_SYSTEMS={name: f"{url}/{name}" for name in SYSTEMS}):
        yield server
    server.shutdown()
    server.server_close()


def test_idempotent_calls_reuse_one_connection_and_posts_get_their_own(
    own_standins: StandinServer,
) -> None:
    for _ in range(3):
        registries.entity_lookup("91110000000000000X")
        registries.held_documents("legal_entity", holder="91110000000000000X")
    assert own_standins.connections == 1
    url = f"http://127.0.0.1:{own_standins.server_address[1]}/"
    connections = pool().connection_from_url(url)
    assert (connections.num_connections, connections.num_requests) == (1, 6)
    # A POST is never retried, so it never rides a pooled socket that may have gone stale.
    for number in range(2):
        sms_send("+8613800138000", f"message {number}")
    registries.identity_check(
        name="张三", doc_type="resident_id", number="X", nationality="CHN"
    )
    assert own_standins.connections == 1 + 3
    assert (connections.num_connections, connections.num_requests) == (1, 6)


def test_one_pool_serves_many_threads(own_standins: StandinServer) -> None:
    answers: list[str] = []

    def send() -> None:
        for _ in range(5):
            found = registries.entity_lookup("91310115MA1HK7Q24A")
            answers.append(found.uscc if found else "")

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["91310115MA1HK7Q24A"] * 40
    assert own_standins.connections <= 8
    assert pool() is pool()


@pytest.mark.parametrize("tiny_server", [{"drop_first": True}], indirect=True)
def test_a_get_is_tried_again_after_a_dropped_connection(
    tiny_server: TinyServer,
) -> None:
    assert call("legal_entity", "GET", "/entities/X") == (200, {"id": "m1", "ok": True})
    assert tiny_server.requests == [
        "GET /legal_entity/entities/X",
        "GET /legal_entity/entities/X",
    ]
    assert tiny_server.connections == 2


@pytest.mark.parametrize("tiny_server", [{"drop_first": True}], indirect=True)
def test_a_post_is_not_tried_again_after_a_dropped_connection(
    tiny_server: TinyServer,
) -> None:
    with pytest.raises(OutsideSystemUnavailable):
        sms_send("+8613800138000", "您的验证码是 123456")
    assert tiny_server.requests == ["POST /sms/messages"]
    # The next message goes on a new connection, sent once.
    assert sms_send("+8613800138000", "您的验证码是 654321") == "m1"
    assert tiny_server.requests == ["POST /sms/messages", "POST /sms/messages"]


@pytest.mark.parametrize("tiny_server", [{"silent": True}], indirect=True)
@pytest.mark.parametrize(
    ("method", "tries"), [("GET", 3), ("POST", 1)], ids=["get", "post"]
)
def test_a_silent_system_times_out(
    tiny_server: TinyServer, method: str, tries: int
) -> None:
    started = time.monotonic()
    with (
        override_settings(OUTSIDE_SYSTEM_READ_TIMEOUT=0.2),
        pytest.raises(OutsideSystemUnavailable, match="timed out"),
    ):
        call("population", method, "/verify", body={} if method == "POST" else None)
    assert time.monotonic() - started < 5  # not the default five seconds per try
    assert tiny_server.requests == [f"{method} /population/verify"] * tries


def test_a_refused_connection_is_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with (
        override_settings(OUTSIDE_SYSTEMS={"sms": url}),
        pytest.raises(OutsideSystemUnavailable, match="sms: "),
    ):
        sms_send("+8613800138000", "text")
