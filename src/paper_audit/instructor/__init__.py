"""The instructor's side, never shipped to students: the student bundle
(``bundle``, ``bundle_folder``, ``requirements``; a class's own edition of
the hand-outs, ``class_edition``) and the grader (``grading``, the command),
with its answer key (``key``) and each class's variants of the passages and
questions (``variants``), the items of an assignment (``assignment``), the
running of each submission (``submissions``; its ``worker`` process, the
``sandbox`` its kernel runs in with its ``seccomp`` filter, the ``watch`` on
that sandbox, and ``capture``, the program run in the kernel), the check of
each hand-out's variant against the class's seed (``variant_check``), the
judging of answers (``judging``), rubric marks (``marks``), what a graded
class writes (``reports``, ``results``, ``feedback``, ``class_report``,
``gradebook``) and the making safe of what a submission controls (``safe``,
``clean_text``). Builds on ``classroom``."""
