"""Full-width characters typed by Chinese input methods, turned into their ASCII forms.

In full-width mode an input method types `３２０５８２…`, `Ｘ`, `１３８－００００` and the
ideographic space: they look like the ASCII ones, and Python's `isdigit()` and regex `\\d`
accept them, so a number stored as typed would not match the same number typed in ASCII (the
same person could be registered twice). ID numbers, phone numbers and search input pass
through `ascii_form` before they are validated or compared; nothing is stored full-width.
"""

# The full-width ASCII block (U+FF01–U+FF5E) maps onto U+0021–U+007E one to one; the
# ideographic space is a space; the dashes people type in phone numbers are a hyphen.
_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TABLE[0x3000] = ord(" ")
_TABLE.update({ord(dash): ord("-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"})


def ascii_form(text: str) -> str:
    """`text` with full-width letters, digits and punctuation, the ideographic space and dash
    variants replaced by ASCII; other characters (Chinese text) unchanged."""
    # isascii() is a flag test: the usual all-ASCII input (every row of an import) costs nothing more.
    return text if text.isascii() else text.translate(_TABLE)
