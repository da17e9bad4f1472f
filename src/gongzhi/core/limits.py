"""Upper bounds on free text, shared by the API schemas, the forms and the models, so a note
or a reason is refused with the same message whichever channel it comes through (a 5 MB note
once went through the API and into an audit row of the same size)."""

# Free text without a max_length of its own (TextField): notes, descriptions, comments,
# minutes. About five pages of Chinese; a longer document belongs in an attachment.
TEXT_MAX_LENGTH = 5000

# A whole document typed into one box: meeting minutes, the full text of a draft for comment.
LONG_TEXT_MAX_LENGTH = 50000

# The reason (原因/理由) a caller gives for a change (API `reason`, forms), kept in its audit entry.
REASON_MAX_LENGTH = 500

# What an audit entry keeps of any reason, however it was made. Some services compose a reason
# that quotes text kept in full elsewhere (a journal note, a red card's grounds); the audit copy
# of those is cut here rather than the action refused.
AUDIT_REASON_MAX_LENGTH = 2000

# A search or filter value in a query string.
FILTER_MAX_LENGTH = 200
