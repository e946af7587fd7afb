"""The one gate for tests that grade in the bubblewrap sandbox: without it they
are skipped on a developer's machine, and fail under CI (``CI`` set), where
``.ci/run`` installs bubblewrap, as the browser tests do without Chromium."""

from __future__ import annotations

import os

import pytest

from paper_audit.instructor import sandbox


def require_sandbox() -> None:
    reason = sandbox.unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the sandbox: {reason}")
        pytest.skip(reason)
