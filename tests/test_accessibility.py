"""axe-core on every page of the table of contents: no violation of impact
"serious" or "critical". Each page is checked with all rules in the light
theme, and for colour contrast again after the reader's system switches to
dark (the theme follows it). axe-core comes bundled in the PyPI package
axe-playwright-python, so nothing is fetched. Lesser violations are printed
(run with -s to see them) and the full results are written to
test-artifacts/axe/."""

from __future__ import annotations

import json
import os

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import ARTIFACTS, toc_pages  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.build]

BLOCKING = {"serious", "critical"}


def describe(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']} - {violation['helpUrl']}"]
    for node in violation["nodes"][:10]:
        messages = [check["message"] for kind in ("any", "all", "none") for check in node.get(kind, [])]
        lines.append(f"    {' '.join(map(str, node['target']))}: {'; '.join(messages)[:300]}")
    if len(violation["nodes"]) > 10:
        lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", toc_pages())
def test_no_serious_accessibility_violation(visit, name, scheme):
    seen = visit(name)
    if seen.axe_missing:
        message = seen.axe_missing + ": pip install -r requirements-dev.txt"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    assert not seen.axe_failure, f"axe-core did not run on {name}.html: {seen.axe_failure}"
    if scheme == "dark":
        assert not seen.dark_failure, f"{name}.html: {seen.dark_failure}"
    results = seen.axe_light if scheme == "light" else seen.axe_dark
    report = ARTIFACTS / "axe" / scheme / f"{name}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(results["violations"], indent=1), encoding="utf-8")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            print(f"{name}.html ({scheme}), not blocking: {describe(violation)}")
    axe_version = results.get("testEngine", {}).get("version", "")
    assert not blocking, f"{name}.html ({scheme} theme), axe-core {axe_version}:\n" + "\n".join(
        describe(v) for v in blocking
    )
