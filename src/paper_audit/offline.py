"""A guard that makes any network connection beyond this machine fail loudly.

The build and the tests must fetch nothing. ``install()`` wraps the socket
module so that connecting anywhere but the loopback interface (or a Unix
socket) raises ``NetworkBlocked`` naming the address. The build sets
``PAPER_AUDIT_OFFLINE=1`` so every notebook kernel installs it on import of
the package; the test suite installs it for itself.
"""

from __future__ import annotations

import ipaddress
import socket

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(RuntimeError):
    pass


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse(address):
    raise NetworkBlocked(
        f"network access blocked (the build and tests run offline): attempted connection to {address!r}"
    )


def _connect(self, address):
    if not _is_local(address):
        _refuse(address)
    return _original_connect(self, address)


def _connect_ex(self, address):
    if not _is_local(address):
        _refuse(address)
    return _original_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if host is not None and not _is_local((host if isinstance(host, str) else host.decode(),)):
        _refuse(host)
    return _original_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.getaddrinfo = _getaddrinfo
