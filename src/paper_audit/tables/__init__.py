"""The project's data files, read and validated: the Data Package schema
(``schema``), the claims, the reference facts, the coverage of every number
in the text, the chapters of the table of contents (``toc``) and the
fingerprints of what each notebook read. Builds on ``text``."""
