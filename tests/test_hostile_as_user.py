"""The red team's attacks of tests/test_hostile.py, graded as an unprivileged
user (a uid of no account) instead of root: the same tests, in a module of
their own so that the two gradings, minutes each, run on two workers."""

import pytest

from test_hostile import *  # noqa: F403 - the same tests, collected here again
from test_hostile import graded_as


@pytest.fixture(scope="module")
def graded():
    yield from graded_as("user")
