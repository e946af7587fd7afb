"""What a reader sees: escaped HTML for badges, flags and tables
(``render``), charts (``plots``), the glue wrapper that records where each
number came from (``glue``), a chapter's view of the audit (``chapter``) and
the Sphinx extensions. Builds on ``audit``."""
