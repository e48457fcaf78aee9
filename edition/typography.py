"""Typographic normalisation, one module for print and EPUB (DESIGN §1).

The TEI keeps the source's characters; the renderers call `normalise` on every
piece of reading text they put into the Pandoc AST. Each rule is data: a name,
what it does, a pattern and its replacement, and examples that are its test
(tests/test_typography.py runs every example of every rule).

Quotation marks keep the source's levels: a straight double quote becomes
“ or ”, a straight single quote ‘ or ’ (and an apostrophe ’). Which of the two
is decided by the character before it, which may lie in the previous piece of
text: callers pass it as `prev`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

NBSP = "\u00a0"
#: characters after which a quotation mark opens
_OPENERS = " \t\n\u00a0\u2009\u202f([{\u2018\u201c\u2013\u2014/"
_Q_OPEN_BEFORE = rf"(?:^|(?<=[{re.escape(_OPENERS)}]))"


@dataclass(frozen=True)
class Rule:
    """One typographic rule: a regex and its replacement, with its own examples."""

    name: str
    doc: str
    pattern: re.Pattern
    replace: str | Callable[[re.Match], str]
    examples: tuple[tuple[str, str], ...] = field(default=())
    langs: tuple[str, ...] = ()  # empty: every language; else the lowercase tags it applies to

    def apply(self, text: str) -> str:
        """The text with this rule applied."""
        return self.pattern.sub(self.replace, text)

    def applies_to(self, lang: str) -> bool:
        """Whether the rule holds for a BCP 47 language tag (a bare `en` matches `en` only)."""
        return not self.langs or lang.lower() in self.langs


def _r(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, flags)


#: The rules, applied in this order.
RULES: tuple[Rule, ...] = (
    Rule(
        "ellipsis",
        "three full stops (spaced or not) become one ellipsis character",
        _r(r"\.\s?\.\s?\."),
        "\u2026",
        (("[...]", "[…]"), ("and so on...", "and so on…"), ("wait. . .", "wait…")),
    ),
    Rule(
        "range-dash",
        "a hyphen between figures is an en dash (pp. 69–70, 1917–18)",
        _r(r"(?<=\d)-(?=\d)"),
        "\u2013",
        (("pp. 69-70", "pp.\u00a069–70"), ("516-27 and 534-49", "516–27 and 534–49")),
    ),
    Rule(
        "spaced-dash-en-gb",
        "a spaced hyphen or double hyphen is a spaced en rule, tied to the word before it (British style)",
        _r(r"(?<=\S)[ \u00a0](?:-{1,2}|\u2013|\u2014)(?=[ \u00a0]|$)"),
        "\u00a0\u2013",
        (("headed by - Leon Trotsky", "headed by\u00a0– Leon Trotsky"),
         ("a word -- said", "a word\u00a0– said"),
         ("co-operatives", "co-operatives")),
        langs=("en-gb", "en-au", "en-nz", "en-ie", "en-in", "en-za"),
    ),
    Rule(
        "spaced-dash",
        "a spaced hyphen or double hyphen is an em rule, closed up",
        _r(r"(?<=\S)[ \u00a0](?:-{1,2}|\u2013)[ \u00a0](?=\S)"),
        "\u2014",
        (("headed by - Leon Trotsky", "headed by—Leon Trotsky"),),
        langs=("en", "en-us", "en-ca"),
    ),
    Rule(
        "double-hyphen",
        "an unspaced double hyphen (how transcriptions type the book's dash) is an em rule, closed up",
        _r(r"(?<!-)--(?!-)"),
        "\u2014",
        (("savagery, barbarism--the patriarchate", "savagery, barbarism—the patriarchate"),
         ("of to-day--i.e., with", "of to-day—i.e., with"), ('"insanity."--For', "“insanity.”—For"),
         ("Mr. ---- said", "Mr. ---- said")),
    ),
    Rule(
        "apostrophe",
        "a single quote between letters or figures, or after s/S at a word end, is an apostrophe",
        _r(r"(?<=[^\W_])'(?=[^\W_])|(?<=[sS])'(?=[\s.,;:!?)\u00a0]|$)"),
        "\u2019",
        (("Lenin's party", "Lenin’s party"), ("workers' power", "workers’ power"),
         ("That's", "That’s")),
    ),
    Rule(
        "elision",
        "a single quote before two figures at a word start is an apostrophe ('90s)",
        _r(r"'(?=\d\d)"),
        "\u2019",
        (("the '90s", "the ’90s"),),
    ),
    Rule(
        "double-open",
        "a double quote at a word start opens: “",
        _r(_Q_OPEN_BEFORE + r'"(?=\S)'),
        "\u201c",
        (('as "the Lenin of today"', "as “the Lenin of today”"), ('("quoted")', "(“quoted”)")),
    ),
    Rule(
        "double-close",
        "every other double quote closes: ”",
        _r(r'"'),
        "\u201d",
        (('said "no".', "said “no”."),),
    ),
    Rule(
        "single-open",
        "a single quote at a word start opens: ‘",
        _r(_Q_OPEN_BEFORE + r"'(?=\S)"),
        "\u2018",
        (("""a 'friendly' drink""", "a ‘friendly’ drink"),
         ('''"When everybody is a 'bureaucrat' in turn"''', "“When everybody is a ‘bureaucrat’ in turn”"),
         ("""a ‘friendly' drink""", "a ‘friendly’ drink")),
    ),
    Rule(
        "single-close",
        "every other single quote closes: ’",
        _r(r"'"),
        "\u2019",
        (("""'a 'b' c'""", "‘a ‘b’ c’"),),
    ),
    Rule(
        "nbsp-initial",
        "an initial is tied to the name after it (J. Stalin, L. Kamenev)",
        _r(r"(?<![^\W\d_])([A-Z]\.) (?=[A-Z])"),
        "\\1\u00a0",
        (("J. Stalin", "J.\u00a0Stalin"), ("V. I. Lenin", "V.\u00a0I.\u00a0Lenin"), ("in USSR. Then", "in USSR. Then")),
    ),
    Rule(
        "nbsp-abbreviation",
        "a reference abbreviation is tied to its number (p. 191, pp. 69, vol. 54, no. 3)",
        _r(r"\b((?:p|pp|vol|vols|no|nos|ch|chap|fig|col|cols|n|nn|art|sec|para)\.) (?=\d)", re.IGNORECASE),
        "\\1\u00a0",
        (("p. 191", "p.\u00a0191"), ("vol. 54", "vol.\u00a054"), ("Vol. 1, pp. 516-27", "Vol.\u00a01, pp.\u00a0516–27")),
    ),
    Rule(
        "nbsp-number-word",
        "a short number is tied to a following unit-like word that must not start a line (21 armies stays breakable)",
        _r(r"(?<=\d) (?=(?:per cent|percent|%|km|kg|mm|cm)\b)"),
        "\u00a0",
        (("25 per cent", "25\u00a0per cent"),),
    ),
)


def rules_for(lang: str) -> tuple[Rule, ...]:
    """The rules that hold for a language, in order."""
    return tuple(rule for rule in RULES if rule.applies_to(lang))


def normalise(text: str, prev: str = "", lang: str = "en-GB") -> str:
    """Typographic form of `text`; `prev` is the reading text just before it (for quotes)."""
    context = prev[-1:] or " "
    result = _apply(context + text, lang)
    if not result.startswith(context):
        # a rule joined the context character to the text ("." + ".."): keep only its side
        result = _apply(("x" if context not in _OPENERS else " ") + text, lang)
    return result[1:]


def _apply(text: str, lang: str) -> str:
    """Every rule for `lang`, in order."""
    for rule in rules_for(lang):
        text = rule.apply(text)
    return text
