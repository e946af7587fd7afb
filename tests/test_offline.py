"""Nothing is fetched at build or test time: an attempt fails loudly."""

import os
import socket
import subprocess
import sys
import urllib.request

import pytest

from paper_audit.offline import NetworkBlocked


def test_the_test_process_cannot_reach_the_network():
    with pytest.raises(NetworkBlocked, match="attempted connection to 'example.org'"):
        urllib.request.urlopen("http://example.org/", timeout=5)
    with pytest.raises(NetworkBlocked, match="93.184.216.34"):
        socket.create_connection(("93.184.216.34", 80), timeout=5)


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close()
    server.close()


def test_a_kernel_started_by_the_build_is_guarded_too():
    # The build sets PAPER_AUDIT_OFFLINE=1 for jupyter-book and so for every kernel.
    code = "import paper_audit, urllib.request; urllib.request.urlopen('http://example.org/', timeout=5)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PAPER_AUDIT_OFFLINE="1"),
        timeout=60,
    )
    assert result.returncode != 0 and "NetworkBlocked: network access blocked" in result.stderr
