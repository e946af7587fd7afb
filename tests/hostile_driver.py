"""Runs the hostile class and the hostile probes of ``test_hostile`` in a process
of its own, so that the same code runs as root and as an unprivileged user
(``hostile_support.command``). Not a test: ``python hostile_driver.py SPEC OUT``.

SPEC (JSON) names what to run: ``{"grade": {"assignment", "submissions",
"out"}}`` grades a folder with the real grader; ``{"probes": {name: path}}``
runs each notebook alone (``submissions.run_submission``) and records what it
gave. OUT receives, as JSON, the probes' captured answers, problems and
errors, or the grader's failure if it raised.
"""

import json
import sys
from pathlib import Path

from paper_audit.instructor import assignment, bundle, grading, submissions


def main(spec_path: str, out_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result: dict = {}
    if "grade" in spec:
        job = spec["grade"]
        try:
            grading.grade(
                job["assignment"],
                Path(job["submissions"]),
                Path(job["out"]),
                cell_timeout=60,
                notebook_timeout=120,
                progress=lambda line: print(line, file=sys.stderr, flush=True),
            )
            result["grade"] = "finished"
        except BaseException as error:  # what the test must see, whatever it is
            result["grade"] = f"raised {type(error).__name__}: {error}"
    if "probes" in spec:
        items = assignment.assignment_items(spec["assignment"])
        settings = submissions.Settings(stage=bundle.stage(), cell_timeout=60, notebook_timeout=120)
        for name, path in spec["probes"].items():
            run = submissions.run_submission(Path(path), items, settings)
            result[name] = {"captured": run.captured, "problem": run.problem, "errors": run.errors}
    Path(out_path).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
