"""The instructor's side, never shipped to students: the student bundle
(``bundle``) and the grader (``grading``, the command), with its answer key
(``key``), the items of an assignment (``assignment``), the running of each
submission (``submissions``, ``worker``, and ``capture``, the program run in
its kernel), the judging of answers (``judging``), rubric marks (``marks``)
and what a graded class writes (``reports``). Builds on ``classroom``."""
