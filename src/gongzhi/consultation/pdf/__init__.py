"""Printable documents of community consultation (PDF, reportlab with the CID font
STSong-Light through core.pdf): the meeting notice (会议通知), the sign-in sheet (签到表, a blank
signature column for paper), the minutes (会议记录, with attendance and the tally arithmetic),
the resolution (决议, with its legal basis) and the disclosure notice for the paper board (with
the board's head hash), a draft's adoption report and its revised text with the changes
marked. Each function returns the PDF's bytes; views/documents.py serves them.

No document ever shows how anyone voted on a secret motion: the data to do so does not exist
(models/meetings.py); the minutes print totals only."""

from .decisions import disclosure_pdf, resolution_pdf
from .drafts import adoption_pdf, revision_pdf
from .meetings import minutes_pdf, notice_pdf, sign_in_sheet_pdf

__all__ = [
    "adoption_pdf",
    "revision_pdf",
    "disclosure_pdf",
    "minutes_pdf",
    "notice_pdf",
    "resolution_pdf",
    "sign_in_sheet_pdf",
]
