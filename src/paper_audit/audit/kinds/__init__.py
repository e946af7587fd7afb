"""The families of check kinds. Importing this package registers every kind
(``check_kinds.KINDS``); the engine does, once."""

# isort: off
# The order of these imports is the order in which the kinds are listed (the
# method page's table of kinds, the Data Package's enum of kinds).
from paper_audit.audit.kinds import rates
from paper_audit.audit.kinds import quantities
from paper_audit.audit.kinds import dates
from paper_audit.audit.kinds import wording
# isort: on

__all__ = ["rates", "quantities", "dates", "wording"]
