"""What a short line looks like: the cues the conventions read, each a small predicate.

These say nothing about where a line stands; the rules in the other modules combine a line's shape
with its place (after a heading, before the end of a section, inside a letter).
"""

from __future__ import annotations

import re
import unicodedata

from .pieces import CLOSE_QUOTES, OPEN_QUOTES

TERMINAL = ".!?"
#: Words that open a heading in books of every kind (a book's parts, not any text's words).
SECTION_WORDS = {
    "introduction", "preface", "foreword", "chapter", "book", "part", "section", "appendix",
    "conclusion", "contents", "epilogue", "prologue", "notes", "footnotes", "endnotes", "index",
    "advertisement", "dedication", "postscript", "letter", "essay", "lecture", "article", "canto",
    "afterword", "introductory", "supplement", "addendum",
}
NOTES_HEADING = re.compile(r"^(?:foot|end)?notes?\s*[.:]?$", re.IGNORECASE)
MONTHS = ("january february march april may june july august september october november december "
          "jan feb mar apr jun jul aug sep sept oct nov dec").split()
MONTH = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b\.?", re.IGNORECASE)
YEAR = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})\b")
DAY = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b")
ROMAN = re.compile(r"^(?=[IVXLCDM])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
BY = re.compile(r"(?:^|\s)(?:by|BY|By)(?:\s+|$)")
FUNCTION_WORDS = {"the", "a", "an", "to", "of", "and", "in", "on", "at", "for", "from", "with", "by", "or",
                  "but", "as", "that", "this", "these", "those", "what", "how", "why", "when", "where", "our",
                  "my", "his", "her", "their", "its", "your", "no", "not", "all", "some"}
PARTICLES = {"de", "von", "van", "der", "la", "le", "du", "da", "di", "of", "and", "y", "ibn", "bin", "al"}
ADDRESS = re.compile(
    r"^(?:my\s+|our\s+)?(?:(?:very\s+)?dear(?:est)?|sir|sirs|madam|madame|gentlemen|ladies|friends?|comrades?|"
    r"brothers?|sisters?|citizens?|fellow[- ]\w+|hono(?:u)?red|respected|reverend|mr|mrs|miss|dr|monsieur|"
    r"mesdames|messieurs)\b", re.IGNORECASE)
SALUTE_END = re.compile(r"(?:[,:!]|[,:]?\s*(?:--|\u2014|\u2013))$")
#: A salutation run into the letter's first paragraph: `MY DEAR FRIEND,--In attempting …`.
RUN_IN_SALUTE = re.compile(r"^(?:my\s+|our\s+)?(?:(?:very\s+)?dear(?:est)?|sir|madam|gentlemen)\b[^,:.!\n]{0,40}"
                           r"(?:[,:]\s*(?:--|\u2014)|:)(?=\s*[A-Z])", re.IGNORECASE)


#: A footnote marker at the end of a line (`closed.²`, `work.[1]`, `over*`): not the line's punctuation.
TRAILING_MARKER = re.compile(r"(?:[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|\[\w{1,3}\]|\(\w{1,3}\)|[*\u2020\u2021])$")


def core(text: str) -> str:
    """The words of a line without quotation marks, underscores and a footnote marker around it."""
    t = text.strip()
    if t[-1:] in "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079]*\u2020\u2021" or t.endswith(")") and \
            re.search(r"[^\s(]\(\w{1,3}\)$", t):
        t = TRAILING_MARKER.sub("", t)
    return t.strip(OPEN_QUOTES + CLOSE_QUOTES + "_*").strip()


def is_roman(word: str) -> bool:
    return bool(ROMAN.match(word.rstrip(".")))


def all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def title_case(text: str) -> bool:
    """Most words capitalised (particles aside): a heading or a name, not a sentence."""
    ws = [w.strip("()[],.;:\"'") for w in text.split()]
    ws = [w for w in ws if w and w[0].isalpha()]
    if not ws:
        return False
    big = sum(1 for w in ws if w[0].isupper())
    small = [w for w in ws if not w[0].isupper()]
    return all(w.lower() in PARTICLES | {"a", "an", "the", "as", "at", "in", "on", "to", "for", "or",
                                         "but", "with", "against", "from", "by", "into", "upon"}
               for w in small) and big >= len(ws) / 2


def ends_sentence(text: str) -> bool:
    """Does the text end as a sentence does (after closing quotes and brackets)?"""
    t = core(text).rstrip(CLOSE_QUOTES + ")]_*")
    return t[-1:] in TERMINAL


def sectioning(text: str) -> bool:
    """Opens with a word that names a part of a book (INTRODUCTION, Chapter, PART …)."""
    first = core(text).split()[:1]
    return bool(first) and first[0].strip(".:,").lower() in SECTION_WORDS


def part_heading(text: str) -> bool:
    """A book-part heading and nothing more: `PREFACE`, `CHAPTER I.`, `Part 2`, `III.`."""
    ws = core(text).rstrip(".:").split()
    if len(ws) == 1 and is_roman(ws[0]):
        return True
    return 0 < len(ws) <= 2 and sectioning(ws[0]) and \
        (len(ws) == 1 or ws[1].rstrip(".").isdigit() or is_roman(ws[1]) or len(ws[1].rstrip(".")) == 1)


def notes_heading(text: str) -> bool:
    return bool(NOTES_HEADING.match(core(text)))


def name_like(text: str) -> bool:
    """A signature or an author line: a few capitalised words or initials (`M. W.`, `PUBLIUS`,
    `W. L. COURTNEY.`, `J. Stalin.`, `L. Kam[enev]`), no digits, no sentence."""
    body = core(text).rstrip(".,")
    ws = body.split()
    if not ws or len(ws) > 5 or any(c.isdigit() for c in body) or len(body) > 40:
        return False
    if ws[0].lower() in FUNCTION_WORDS:  # `TO` (a dedication), `THE SECOND LETTER`: not a name
        return False
    for w in ws:
        bare = w.strip("[].,")
        if not bare:
            return False
        if bare.lower() in PARTICLES and w is not ws[0]:
            continue
        if not bare[0].isupper():
            return False
    return not sectioning(body) and not (len(ws) == 1 and is_roman(ws[0]))


def dateline_like(text: str) -> bool:
    """A place and date, or a publication line: a month with a day or a year, in a short line."""
    body = core(text).replace("_", " ").replace("*", " ")
    if len(body.split()) > 14 or len(body) > 120:
        return False
    if MONTH.search(body) is not None and (YEAR.search(body) is not None or DAY.search(body) is not None):
        return True
    # `Amesbury, 7th Mo. 11th, 1837.`: a place, a comma, and a date ending in its year
    return re.match(r"^[A-Z][\w .'-]*,", body) is not None and re.search(r"\b1[0-9]{3}\.?$", body) is not None


def byline_like(text: str) -> bool:
    """`By John Reed`, `BY`, `Edited and Annotated by …`, `_TRANSLATED BY EDWARD AVELING_`."""
    body = core(text)
    if body.lower() == "by":
        return True
    m = BY.search(body)
    return m is not None and len(body.split()) <= 14 and body[m.end():m.end() + 1].isupper() \
        and not ends_sentence(body.rstrip(".")) and (m.start() == 0 or title_case(body) or all_caps(body))


def salutation_like(text: str) -> bool:
    """`Sir:--`, `My Dear Friend:`, `DEAR FRIEND:`, `To the People of the State of New York:`."""
    body = core(text)
    ws = body.split()
    if not ws or len(ws) > 10 or not SALUTE_END.search(body):
        return False
    if ADDRESS.match(body):
        return True
    return ws[0] == "To" and len(ws) > 2 and ws[1] in ("the", "my", "our") and ws[2][:1].isupper() \
        and body.endswith(":")


def run_in_salutation(text: str) -> int | None:
    """Where a salutation run into the first paragraph ends, if the paragraph opens with one."""
    m = RUN_IN_SALUTE.match(text)
    return m.end() if m and m.end() < len(text.strip()) - 20 else None


def quoted_salutation(text: str) -> bool:
    """The first line of a quoted letter: `"Joseph,`, `"Comrade Kamenev!` (a short address)."""
    t = text.strip()
    if not t or t[0] not in OPEN_QUOTES:
        return False
    body = t[1:]
    return 0 < len(body.split()) <= 6 and body.rstrip()[-1:] in ",!" and body[:1].isupper()


def closing_like(text: str) -> bool:
    """A closing formula: `Yours truly,`, `I am, sir,`, `Yours for the Revolution.`"""
    body = core(text)
    ws = body.split()
    return 0 < len(ws) <= 8 and body[:1].isupper() and body[-1:] in ",." and \
        (body.endswith(",") or ws[0].lower().startswith("your"))


def postscript_like(text: str) -> bool:
    return re.match(r"^(?:P\.\s?S\.|PS\b|Postscript\b|N\.\s?B\.)", core(text)) is not None


def attribution_like(text: str) -> bool:
    """An epigraph's source on its own line: `--COLERIDGE`, `—Huxley.`, `HUXLEY.`, `(Trotsky)`,
    or a title in the transcribers' italics (`_Epilogue to … Fortune_`)."""
    body = text.strip()
    if re.match(r"^(?:--|\u2014|\u2013|-)\s*\S", body):
        return len(body.split()) <= 12
    if re.fullmatch(r"_[^_]+_\.?", body) and len(body.split()) <= 14:
        return True
    return name_like(body) and (all_caps(body) or body.startswith("("))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
