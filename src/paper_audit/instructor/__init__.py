"""The instructor's side, never shipped to students: the student bundle
(``bundle``) and the grader (``grading``, the command), with its answer key
(``key``) and each class's variants of the passages (``variants``), the
items of an assignment (``assignment``), the running of each submission
(``submissions``; its ``worker`` process, the ``sandbox`` its kernel runs
in, the ``watch`` on that sandbox, and ``capture``, the program run in the
kernel), the judging of answers (``judging``), rubric marks (``marks``),
what a graded class writes (``reports``) and the making safe of what a
submission controls (``safe``). Builds on ``classroom``."""
