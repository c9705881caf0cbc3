"""Constants of the Persian (Arabic) script that several modules need, defined once.

Characters are named by what they are; the ranges are Unicode blocks (Arabic, Arabic Supplement,
Arabic Extended-A, Arabic Presentation Forms-A and -B; U+FEFF, the byte-order mark, is not in
them).
"""

from __future__ import annotations

import re

#: Zero-width non-joiner: the «نیم‌فاصله» inside Persian words (می‌شود، تلاش‌ها).
ZWNJ = "\u200c"
#: The hamza above that writes the ezafe after ه (خانهٔ).
EZAFE_HAMZA = "\u0654"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
#: ``str.translate`` table: Western digits to Persian ones.
LATIN_TO_PERSIAN_DIGITS = str.maketrans("0123456789", PERSIAN_DIGITS)
#: The Arabic-script blocks, as the inside of a regex character class.
ARABIC_SCRIPT_CHARS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
#: One Arabic-script character.
ARABIC_SCRIPT = re.compile(f"[{ARABIC_SCRIPT_CHARS}]")
#: Arabic presentation forms: pre-shaped glyph codes (what the old reshaper recipe writes).
PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
