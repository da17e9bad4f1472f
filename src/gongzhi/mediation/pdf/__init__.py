"""Printable documents of a dispute (reportlab): the 调解协议书 (agreement.py) and the case file
(卷宗, case_file.py), built from the shared pieces in common.py (font, styles, parties' blocks,
the signature and seal boxes)."""

from .agreement import agreement_pdf
from .case_file import case_file_pdf

__all__ = ["agreement_pdf", "case_file_pdf"]
