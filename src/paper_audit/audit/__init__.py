"""The audit itself: what a printed figure stands for (``rounding``), the
verdict words (``verdicts``), the reader's assumptions (``params``), the kinds
of check and the engine that runs data/checks.csv into findings, and how
findings are weighed and counted (``evidence``). Builds on ``tables``."""
