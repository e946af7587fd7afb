"""What students use and what ships in their bundle: the questions, the
form checks of their answers and the invented passages (``exercises``), the
rubrics of the written answers (``rubrics``) and the Sphinx extension of the
classroom pages. No answer key lives here. Builds on ``present``."""
