"""What the grader reads of a submission before and after running it, with no
sandbox needed: the file itself (only a regular file, never waited on) and
the worker's result (every answer bounded and encodable)."""

import json
import os
import threading

import nbformat

from paper_audit.instructor import assignment, submissions

A1 = "01_recompute_a_conversion"


def run_in_time(path, seconds=20):
    """run_submission on ``path`` in a thread: a read that blocks fails the test, never hangs it."""
    found = {}
    settings = submissions.Settings(stage={"files": [], "texts": []})
    items = assignment.assignment_items(A1)
    worker = threading.Thread(target=lambda: found.update(run=submissions.run_submission(path, items, settings)))
    worker.daemon = True
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"reading {path.name} blocked for {seconds} s"
    return found["run"]


def test_a_fifo_in_place_of_a_notebook_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "student.ipynb"
    os.mkfifo(fifo)
    assert run_in_time(fifo).problem == "is not a regular file"


def test_a_link_in_place_of_a_notebook_is_not_followed(tmp_path):
    real = tmp_path / "elsewhere.json"
    nbformat.write(nbformat.v4.new_notebook(), real)
    link = tmp_path / "student.ipynb"
    link.symlink_to(real)
    assert run_in_time(link).problem.startswith("is not a readable notebook"), "the link was followed"


def test_a_notebook_too_large_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "student.ipynb"
    with open(big, "wb") as handle:
        handle.truncate(submissions.LARGEST_NOTEBOOK + 1)
    assert run_in_time(big).problem.startswith("is larger than")


def test_an_answer_nested_deeper_than_any_true_one_is_unreadable_not_fatal():
    nested = 1
    for _ in range(600):
        nested = [nested]
    run = submissions.Run()
    text = json.dumps({"captured": {"soviet_usd": {"question": "soviet_usd", "answer": nested}}})
    submissions.read_result(text, run)
    assert run.captured["soviet_usd"] == {"error": "its value could not be read"}


def test_lone_surrogates_and_escapes_in_a_result_are_made_safe():
    run = submissions.Run()
    result = {
        "captured": {"soviet_verdict": {"question": "soviet_verdict", "answer": "\ud800consistent"}},
        "errors": ["a cell raised RuntimeError: \x1b[2J\u202e"],
        "problem": "\x07",
    }
    submissions.read_result(json.dumps(result), run)
    everything = json.dumps([run.captured, run.errors, run.problem], ensure_ascii=False)
    everything.encode("utf-8")  # a lone surrogate raises here
    assert "\x1b" not in everything and "\u202e" not in everything and "\x07" not in everything
    assert run.captured["soviet_verdict"]["answer"].endswith("consistent")
