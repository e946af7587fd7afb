"""The paper's text: its pages and segments (``source``), how a printed figure
reads (``figures``) and its sentences (``passages``). The lowest layer: it
imports nothing of the package but ``errors`` and ``paths``."""
