"""`skillaid serve` runs the web server and the task worker, and stops both when it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite file")
def test_serve_answers_and_stops_its_children(tmp_path):
    env = {
        **os.environ,
        "SKILLAID_VAR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        # Plain http on this machine, as `make run` serves it.
        "SKILLAID_HTTPS": "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cli = [sys.executable, "-m", "skillaid"]
    subprocess.run([*cli, "setup"], env=env, check=True, capture_output=True)
    port = free_port()
    serve = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        serve.send_signal(signal.SIGTERM)
        out, _ = serve.communicate(timeout=30)
    assert "Demo logins" in out
    assert "skillaid otp-code reviewer_gx" in out  # how a demo reviewer passes the code step
    with pytest.raises(OSError):  # the web server went with it
        urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1)
