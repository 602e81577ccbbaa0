"""What counts as the same name: one normalization for user names, unit names and people's names.

People type names on phones, paste them from chat windows and from clerks' spreadsheets, so a
name arrives with full-width letters (ｏｆｆｉｃｅ), a zero-width space copied along
(县住房和城乡建设局\\u200b), a bidi control that reverses what is shown, Kangxi radicals that look
like ordinary characters (⼀), or a capital the person did not mean. Each would make a second
account or unit that looks like the first. Every form, import and service reads a name through
this module, and the database keeps only the normalized form, so its unique constraints compare
names as people see them.

- ``clean_name``: unit names and people's names (姓名). NFKC (full-width letters, digits and
  punctuation become ordinary ones, compatibility ideographs the unified ones), control and
  format characters (Unicode Cc, Cf: zero-width spaces and joiners, bidi controls, the BOM,
  the soft hyphen) removed, runs of whitespace one space, none at either end.
- ``username_key``: a user name as stored and as looked up at sign-in: NFKC, then lower case,
  so ｆｕｌｌ09, FULL09 and full09 are one account on both databases. ``str.lower`` rather
  than ``str.casefold``: the database's LOWER() has to agree with it (the check constraint
  ``user_username_normalized``), and casefold maps lower-case Cherokee to upper case.
"""

import unicodedata

INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})


def clean_name(text: str) -> str:
    """``text`` as stored and compared: NFKC, no control or format characters, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    # Whitespace controls (tab, newline) separate words: they become spaces before the
    # control characters go, so "县\t住建局" keeps its space rather than joining the words.
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in INVISIBLE_CATEGORIES
    )
    # Removing a character can leave a sequence NFKC would change (a combining mark that now
    # follows its base): normalize once more so the result is stable.
    return " ".join(unicodedata.normalize("NFKC", visible).split())


def username_key(text: str) -> str:
    """A user name as stored and looked up: NFKC and lower case (ｏｆｆｉｃｅ, Office → office)."""
    # lower() can produce a sequence NFKC composes (İ → i + U+0307): NFKC again, so that
    # username_key(username_key(x)) == username_key(x) for every character.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).strip().lower())
