"""Severity ranks by stakes first: a planted finding with a huge gap that bears
on no statement of the argument ranks below every finding that bears on one,
whatever the weights; the argument table refuses bad rows."""

import pytest

from check_cases import checks_copy
from paper_audit.audit import evidence, stakes
from paper_audit.audit.finding import Finding
from paper_audit.errors import DataError
from paper_audit.tables import argument
from paper_audit.text import source


def planted(check, evidence_kind, separation, statement_stakes, direction="", problem=None):
    f = Finding(
        check=check,
        kind="conversion",
        title=check,
        chapter="war_damage",
        inputs=[],
        verdict="gross inconsistency",
        stated="",
        computed="",
        evidence=evidence_kind,
        problem=problem or check,
        separation=separation,
        stakes=statement_stakes,
        argument="x" if statement_stakes else "",
        direction=direction,
    )
    f.counted = True
    f.severity = stakes.severity(f, 0.05)
    return f


def test_a_huge_gap_that_bears_on_nothing_ranks_below_every_finding_with_a_bearing():
    huge = planted("huge", "arithmetic", 1e9, "")  # a factor of a billion, in the paper's own arithmetic
    small_support = planted("small_support", "sources", 1.01, "supporting", "weakens")
    small_central = planted("small_central", "wording", 1.001, "central", "weakens")
    for f in (small_support, small_central):
        assert f.severity > huge.severity, f.check
    order = list(evidence.worst_by_problem([huge, small_support, small_central]))
    assert order == ["small_central", "small_support", "huge"]


@pytest.mark.parametrize("doubling,favouring", [(0.0, 0.0), (1.0, 1.0), (5.0, 3.0), (50.0, 50.0)])
def test_no_weights_lift_a_finding_into_the_stakes_above(doubling, favouring):
    weights = stakes.Weights(doubling=doubling, favouring=favouring, bases={"arithmetic": 9.0})
    huge = planted("huge", "arithmetic", 1e9, "supporting", "favours")
    tiny = planted("tiny", "sources", 1.0001, "central", "weakens")
    assert stakes.severity(tiny, 0.05, weights) > stakes.severity(huge, 0.05, weights)


def test_within_one_level_size_evidence_and_direction_order_the_findings():
    # 2 + log2(4) = 4 against 1.5 + log2(4) + 1 = 4.5: leaning in the statement's favour counts as a doubling
    against = planted("against", "arithmetic", 4.0, "central", "weakens")
    favour = planted("favour", "yardstick", 4.0, "central", "favours")
    assert against.severity == pytest.approx(20 + 2 + 2)
    assert favour.severity == pytest.approx(20 + 1.5 + 2 + 1)


def test_the_sweep_reorders_within_a_level_only():
    a = planted("a", "arithmetic", 1.5, "central", "weakens")
    b = planted("b", "yardstick", 1.4, "central", "favours")
    c = planted("c", "arithmetic", 100.0, "", "")
    assert stakes.rank_under([a, b, c], 0.05, stakes.Weights(favouring=0.0)) == ["a", "b", "c"]
    assert stakes.rank_under([a, b, c], 0.05, stakes.Weights(favouring=2.0)) == ["b", "a", "c"]


def _write(tmp_path, quote, stakes_level="central", page="3"):
    path = tmp_path / "argument.csv"
    path.write_text(
        f'id,stakes,statement,page,quote\ns,{stakes_level},What it says,{page},"{quote}"\n', encoding="utf-8"
    )
    return path


def test_the_argument_table_refuses_a_quote_not_on_its_page(tmp_path):
    pages = source.load_pages()
    with pytest.raises(DataError, match=r"argument\.csv, line 2 \(statement s\), field 'quote': found 0 times"):
        argument.read(_write(tmp_path, "China gave nothing at all"), pages)
    with pytest.raises(DataError, match=r"field 'stakes': 'vital' is not one of"):
        argument.read(_write(tmp_path, "an irreplaceable contribution", "vital"), pages)
    assert argument.read(_write(tmp_path, "an irreplaceable contribution"), pages)["s"].page == 3


def test_every_statement_is_quoted_from_the_paper_and_some_finding_bears_on_each_central_one():
    from paper_audit.audit import engine

    statements = argument.load()
    findings = engine.run_all()
    borne = {f.argument for f in findings}
    assert {s.id for s in statements.values() if s.stakes == "central"} <= borne
    assert all(f.argument in statements for f in findings if f.argument)


def test_a_check_names_its_statement_and_direction_together(tmp_path):
    from paper_audit.audit import engine

    no_direction = checks_copy(tmp_path, "aid_shares_sum", argument="china_comparable", direction="")[0]
    with pytest.raises(DataError, match=r"\(check aid_shares_sum\), field 'direction': a check names a statement"):
        engine.load_checks(no_direction)
    unknown = checks_copy(tmp_path, "aid_shares_sum", argument="china_won_the_war", direction="favours")[0]
    with pytest.raises(DataError, match=r"field 'argument': 'china_won_the_war' is not a statement in argument\.csv"):
        engine.load_checks(unknown)


def test_the_data_package_declares_the_levels_and_directions_the_code_weighs():
    """The Data Package's enums and the code's table are one declaration seen twice: held equal."""
    from paper_audit.tables import schema

    assert set(schema.enum("argument", "stakes")) == {level for level in stakes.STAKES if level}
    assert set(schema.enum("checks", "direction")) == {"", *stakes.DIRECTIONS}
