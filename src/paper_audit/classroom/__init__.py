"""What students use and what ships in their bundle: the questions, the
form checks of their answers (``exercises``) and the Sphinx extension of the
classroom pages. No answer key lives here. Builds on ``present``."""
