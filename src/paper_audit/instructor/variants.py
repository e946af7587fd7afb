"""A class's own variant of each assignment, made from a seed only the
instructor holds: what is asked, and the figures of the invented passage it
is asked of.

What is asked (``asked``): each question that declares variants
(``questions.csv``: which figure is converted, in which direction, at which
rate; which pair's rate, which pair is the odd one; a verdict asked as the
finding of the check that gives it, or as the interval behind it) is asked,
for a class, in one of its variants other than the book's, drawn from the
seed. The book's own solution cells then answer another question than the
class is asked, and the key (``key``) makes sure that their answers would
score nothing: a number the book's question gives is never within the
class's tolerance of the answer asked, and a name or truth value is asked in
another form.

The figures:

The repository is public, and so are the passages the book shows: their
figures, and so their expected answers, can be read there. For a class, the
instructor keeps a seed (``class_seed``: a file of random text, made once);
from it, every figure of a passage that a relation of the key connects is
drawn anew (``make``; each assignment's passage from its own stream of the
seed), so the answers of that class are in no public file, and another class
(another seed) gets others. The draws follow the kind of each relation
(``key.passage_checks``), and may or may not agree: which verdict a relation
gets differs from class to class, and is computed, like every expected
answer, by the package. A check's figures are drawn by the relation its kind
declares it checks (``@kind(relation=...)``; ``check_kinds.RELATIONS``), so a
new kind of one of these relations is drawn without editing this module:

* at a stated rate (amount, converted, rate, unit): a whole amount, a rate
  with one decimal, and the converted amount right to one decimal or off by a
  slipped decimal point;
* at an official rate (amount, converted, reference rate): a round amount,
  and the converted amount made at another rate than the reference, by a
  tenth to a quarter either way, or off by a slipped decimal point;
* one rate (pairs of amount and converted): one rate near the book's,
  amounts in the same order of size as the book's, and every pair converted
  at that rate, or one pair at a rate a tenth to a quarter apart, or with a
  slipped decimal point;
* shares of a whole (parts; whole): shares with one decimal that make the
  whole, or fall short of it by half a point to two points;
* a duration between two dates (start, end, stated length): a start date, a
  length in whole months written in words, and an end date a few days after
  the length, or some days before it.

The claims' quotes and the passage's text follow: each figure is replaced in
its quote, and each quote in the text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import random
import secrets
from pathlib import Path

from paper_audit.audit import check_kinds, engine
from paper_audit.errors import DataError
from paper_audit.tables import reference
from paper_audit.text import figures as figure_text

TRIES = 100
UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen \
seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def words(n: int) -> str:
    """``n`` (0 to 99) in English words, hyphenated as printed ("twenty-four")."""
    if n < 20:
        return UNITS[n]
    tens, units = divmod(n, 10)
    return TENS[tens] + (f"-{UNITS[units]}" if units else "")


def _scale(figure: str) -> str:
    parts = figure.split()
    return f" {parts[-1]}" if len(parts) > 1 else ""


def _conversion(inputs, claims, check, rng) -> dict[str, str]:
    amount, converted, rate, _unit = inputs
    whole, per = rng.randint(12, 96), rng.randint(20, 99) / 10
    exact = whole / per
    shown = f"{round(exact, 1):g}" if rng.random() < 0.5 else f"{round(exact * 10):g}"
    return {
        amount: f"{whole}{_scale(claims[amount]['figure'])}",
        converted: f"{shown}{_scale(claims[converted]['figure'])}",
        rate: f"{per:g}",
    }


def _parts_sum(inputs, claims, check, rng) -> dict[str, str]:
    whole = round(float(check.get("expected_low") or 100) * 10)  # in tenths
    left = whole - rng.choice([0, 0, 0, 5, 10, 15, 20])
    weights = [rng.uniform(1, 3) for _ in inputs]
    parts = [round(left * w / sum(weights) / 5) * 5 for w in weights[:-1]]
    parts.append(left - sum(parts))
    if min(parts) <= 0:
        raise ValueError("a share would not be positive")
    return {claim: f"{part / 10:.1f}" for claim, part in zip(inputs, parts, strict=True)}


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _date_gap(inputs, claims, check, rng) -> dict[str, str]:
    start_id, end_id, length_id = inputs
    start = dt.date(rng.randint(1950, 1958), rng.randint(1, 12), rng.randint(1, 28))
    months = rng.randint(12, 30)
    shift = rng.randint(2, 25) if rng.random() < 0.5 else -rng.randint(10, 60)
    end = _add_months(start, months) + dt.timedelta(days=shift)
    return {
        start_id: f"{start.day} {calendar.month_name[start.month]} {start.year}",
        end_id: f"{end.day} {calendar.month_name[end.month]} {end.year}",
        length_id: words(months),
    }


def _off_rate(rng) -> float:
    """A rate a tenth to a quarter away from another, either way."""
    return rng.uniform(1.1, 1.25) ** rng.choice([1, -1])


def _money(x: float) -> str:
    """An amount as a text of the time prints it: whole from a hundred, else to one decimal."""
    return f"{round(x):g}" if x >= 100 else f"{round(x, 1):g}"


def _reference_rate(inputs, claims, check, rng) -> dict[str, str]:
    amount, converted, fact = inputs
    per = float(reference.lookup(fact)[1]["units_per_usd"])
    whole = rng.randint(12, 96) * 10
    made = whole / (per * _off_rate(rng))
    if rng.random() < 0.25:
        made = whole / per / 10
    return {
        amount: f"{whole}{_scale(claims[amount]['figure'])}",
        converted: f"{_money(made)}{_scale(claims[converted]['figure'])}",
    }


def _same_rate(inputs, claims, check, rng) -> dict[str, str]:
    pairs = list(zip(inputs[::2], inputs[1::2], strict=True))

    def value(claim: str) -> float:
        return figure_text.parse(claims[claim]["figure"]).value

    rate = float(f"{value(pairs[0][0]) / value(pairs[0][1]) * rng.uniform(0.75, 1.3):.3g}")
    # The book's order of size: the largest amount where the book has its largest.
    order = sorted(range(len(pairs)), key=lambda i: value(pairs[i][0]))
    drawn = sorted(rng.sample(range(40, 990), len(pairs)))
    amounts = dict(zip(order, drawn, strict=True))
    rates = [rate] * len(pairs)
    odd, chance = rng.randrange(len(pairs)), rng.random()
    if chance < 0.45:
        rates[odd] = rate * _off_rate(rng)
    elif chance < 0.6:
        rates[odd] = rate * rng.choice([10, 0.1])
    found = {}
    for i, (a, b) in enumerate(pairs):
        found[a] = f"{amounts[i]}{_scale(claims[a]['figure'])}"
        found[b] = f"{_money(amounts[i] / rates[i])}{_scale(claims[b]['figure'])}"
    return found


# How a check's figures are drawn, by the relation its kind checks.
MAKERS = {
    check_kinds.AT_STATED_RATE: _conversion,
    check_kinds.AT_OFFICIAL_RATE: _reference_rate,
    check_kinds.ONE_RATE: _same_rate,
    check_kinds.SHARES_OF_A_WHOLE: _parts_sum,
    check_kinds.DURATION_BETWEEN: _date_gap,
}


def maker(kind: str):
    """How the figures of a check of ``kind`` are drawn: by the relation it declares; None if none fits."""
    spec = engine.KIND_SPECS.get(kind)
    return MAKERS.get(spec.relation) if spec is not None else None


def _substitute(text: str, claims: list[dict], figures: dict[str, str]) -> tuple[str, list[dict]] | None:
    """The text and claims with ``figures`` in place, or None if a quote would
    then not occur exactly once, or not hold its figure."""
    rows = []
    for row in claims:
        figure = figures.get(row["id"], row["figure"])
        quote = row["quote"].replace(row["figure"], figure, 1)
        text = text.replace(row["quote"], quote, 1)
        rows.append({**row, "figure": figure, "quote": quote})
    if all(text.count(row["quote"]) == 1 and row["figure"] in row["quote"] for row in rows):
        return text, rows
    return None


def asked(seed: str, name: str, families: dict[str, list[str]]) -> dict[str, str]:
    """question -> the variant the class with ``seed`` is asked, for each
    question of assignment ``name`` in ``families`` (question -> its variants
    other than the book's, in the order declared), from a stream of the seed
    of its own."""
    rng = random.Random(hashlib.sha256(f"{seed}\n{name}\nasked".encode()).hexdigest())
    return {question: rng.choice(choices) for question, choices in families.items() if choices}


def make(
    seed: str, name: str, text: str, claims: list[dict], checks: list[dict], attempt: int = 0
) -> tuple[str, list[dict]]:
    """(text, claim rows) of the class's variant of passage ``name``; another
    ``attempt`` draws another (the key asks for one when a draw does not fit
    what the class is asked)."""
    stream = f"{seed}\n{name}" + (f"\n{attempt}" if attempt else "")
    rng = random.Random(hashlib.sha256(stream.encode()).hexdigest())
    by_id = {row["id"]: row for row in claims}
    for _ in range(TRIES):
        figures: dict[str, str] = {}
        try:
            for check in checks:
                draw = maker(check["kind"])
                if draw is None:
                    raise DataError(f"passage_checks.csv: no variant can be drawn for a {check['kind']!r} check")
                figures.update(draw(check["inputs"].split(), by_id, check, rng))
        except (ValueError, KeyError) as error:
            if isinstance(error, DataError):
                raise
            continue
        made = _substitute(text, claims, figures)
        if made:
            return made
    raise DataError(f"no variant of the passage could be drawn from this seed in {TRIES} tries")


def class_seed(path: Path, *, create: bool = False) -> str:
    """The seed in ``path``; with ``create``, a new one is written there first if
    there is none (readable by you alone)."""
    path = Path(path).expanduser()
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(16) + "\n", encoding="utf-8")
        path.chmod(0o600)
    try:
        seed = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise DataError(f"{path}: the class seed cannot be read ({error.strerror})") from None
    if len(seed) < 16:
        raise DataError(f"{path}: a class seed should hold at least 16 characters of random text")
    return seed


def label(seed: str | None) -> str:
    """A short name of a variant that gives nothing of its seed away ('book' without one)."""
    return "book" if seed is None else hashlib.sha256(f"label\n{seed}".encode()).hexdigest()[:10]
