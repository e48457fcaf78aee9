"""The typographic rules: every rule's own examples, nesting, and what must never change."""

import re

import pytest
from hypothesis import given, strategies as st

from edition.typography import RULES, normalise, rules_for

EXAMPLES = [
    (rule.name, source, expected)
    for rule in RULES
    for source, expected in rule.examples
]


@pytest.mark.parametrize("name,source,expected", EXAMPLES, ids=[f"{n}:{s}" for n, s, _ in EXAMPLES])
def test_rule_examples(name, source, expected):
    rule = next(r for r in RULES if r.name == name)
    lang = "en-GB" if rule.applies_to("en-GB") else "en-US"
    assert normalise(source, lang=lang) == expected


def test_every_rule_has_a_name_a_doc_and_an_example():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.doc and rule.examples, rule.name


def test_dash_style_depends_on_language():
    assert normalise("a - b", lang="en-GB") == "a\u00a0– b"
    assert normalise("a - b", lang="en-US") == "a—b"
    assert {r.name for r in rules_for("en-GB")} & {"spaced-dash"} == set()


def test_nested_quotes_keep_the_source_levels():
    source = '''"When everybody is a 'bureaucrat' in turn, nobody is a bureaucrat."'''
    assert normalise(source) == "“When everybody is a ‘bureaucrat’ in turn, nobody is a bureaucrat.”"
    assert normalise("""'He said "no" to Lenin's face'""") == "‘He said “no” to Lenin’s face’"


def test_quote_direction_uses_the_text_before():
    # a closing quote at the start of a text node that follows an italic title
    assert normalise('" and more', prev="a") == "” and more"
    assert normalise('"the hards"', prev=" ") == "“the hards”"
    assert normalise('"the hards"', prev="(") == "“the hards”"
    # an opening quote after an en rule
    assert normalise('"x"', prev="\u2013") == "“x”"


def test_seed_sentences():
    assert normalise('a "practico" - a committeeman') == "a “practico”\u00a0– a committeeman"
    assert normalise("(Maria Joffe, One Long Night, pp. 69-70.)") == "(Maria Joffe, One Long Night, pp.\u00a069–70.)"
    assert normalise("has ended [...].") == "has ended […]."
    assert normalise("Inviting them to a ‘friendly' drink") == "Inviting them to a ‘friendly’ drink"
    assert normalise("Izvestiya, 1989, p. 191") == "Izvestiya, 1989, p.\u00a0191"
    assert normalise("Lenin, Collected Works, vol. 54") == "Lenin, Collected Works, vol.\u00a054"


def test_context_character_is_never_rewritten():
    assert normalise("..", prev=".") == ".."  # not joined to the previous node
    assert normalise("- x", prev=" ") == "- x"


def test_literal_markup_is_plain_text():
    for literal in ["<script>", "&amp;", "<b>", "$x$", "*y*", "[x](http://e.org)", "{{z}}"]:
        assert normalise(literal) == literal


WORD = re.compile(r"[^\W_]+")
text = st.text(alphabet=st.sampled_from(list("ab1 .-'\"()[]\u00a0J.pvol")), max_size=40)


@given(text, st.sampled_from(["", " ", "a", "(", "\u2014", "."]))
def test_words_are_never_touched(source, prev):
    """Only punctuation and spaces change: the words, in order, stay what they were."""
    out = normalise(source, prev=prev)
    assert WORD.findall(out) == WORD.findall(source)


@given(text)
def test_idempotent(source):
    once = normalise(source)
    assert normalise(once) == once
