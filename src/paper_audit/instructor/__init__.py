"""The instructor's side, never shipped to students: the student bundle
(``bundle``) and the grader, with its key (``grading``). Builds on
``classroom``."""
