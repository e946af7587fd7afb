"""A validation that passed is remembered by content (``schema._passed_marker``):
the book's kernels do not import frictionless and validate the same files
again. A changed file or schema is validated anew, and a failure is never
remembered."""

import shutil

import frictionless
import pytest

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import schema


@pytest.fixture
def claims_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path / "generated"))
    target = tmp_path / "claims.csv"
    shutil.copyfile(paths.CLAIMS_CSV, target)
    return target


def frictionless_refuses_to_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("frictionless ran again")

    monkeypatch.setattr(frictionless, "Resource", refuse)


def test_a_file_that_passed_is_not_validated_again(claims_copy, tmp_path, monkeypatch):
    schema.validate("claims", claims_copy)
    assert len(list((tmp_path / "generated" / "validated").iterdir())) == 1
    frictionless_refuses_to_run(monkeypatch)
    schema.validate("claims", claims_copy)  # remembered: frictionless is not called


def test_a_changed_file_is_validated_again_and_a_failure_never_remembered(claims_copy, monkeypatch):
    schema.validate("claims", claims_copy)
    text = claims_copy.read_text(encoding="utf-8")
    claims_copy.write_text(text.replace("damage_agriculture_pct,2,,", "damage_agriculture_pct,two,,"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError, match=r"claims\.csv, line \d+, field 'page'"):
            schema.validate("claims", claims_copy)
    claims_copy.write_text(text, encoding="utf-8")
    frictionless_refuses_to_run(monkeypatch)
    schema.validate("claims", claims_copy)  # the good content again: remembered


def test_a_changed_schema_validates_again(claims_copy, monkeypatch):
    schema.validate("claims", claims_copy)
    stricter = schema.resource("claims")
    stricter = {**stricter, "schema": {**stricter["schema"], "primaryKey": ["id", "page"]}}
    monkeypatch.setattr(schema, "resource", lambda name, project=None: stricter)
    frictionless_refuses_to_run(monkeypatch)
    with pytest.raises(AssertionError, match="frictionless ran again"):
        schema.validate("claims", claims_copy)


def test_nothing_is_remembered_where_nothing_can_be_written(claims_copy, tmp_path, monkeypatch):
    (tmp_path / "generated").write_text("a file where the folder would be", encoding="utf-8")
    schema.validate("claims", claims_copy)  # validates, and says nothing of the folder
    frictionless_refuses_to_run(monkeypatch)
    with pytest.raises(AssertionError, match="frictionless ran again"):
        schema.validate("claims", claims_copy)
