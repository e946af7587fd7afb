"""Running the audit: the strict, cached book build (``build``), reruns under
other parameters (``rerun``), sweeps over a grid (``sweep``) and the
scenarios chapter's sweeps (``scenarios``). Builds on ``present``."""
