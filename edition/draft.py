"""Draft register entries (persons, places, bodies) from a text, for an editor to correct.

A rule-based detector, so that it runs anywhere with nothing downloaded and every guess can be
explained. It reads the text's TEI (what the reader made of it), not the .txt: a title or a heading
is not a sentence, and a byline or a signature names a person.

1. Candidates: runs of capitalised words in the paragraphs (with initials, `Mr.`-like titles and
   particles such as `von`; an epithet, `William the Conqueror`), leading sentence words (`The`,
   `As`, `Thus`, `Doubtless` …) dropped; names on bylines, signatures and attributions, also when
   written in capitals; the person a letter's salutation addresses; a citation's author given
   with initials (`D. Volkogonov, Trotsky, p. 243`).
2. Cues, summed over every mention of a candidate: a title before it, a speech verb or `who` after
   it, initials, a first name (two or more words), a possessive speak for a person; `in`, `at`,
   `near` … before it for a place; an organisation word (Party, Society …) for a body. Against a
   name: `the` or `a` before it, an adjective's, a doctrine's or an adverb's ending (-ism, -ian,
   -ly …, when what it leaves is a stem: `Christ`, `Italy`, `Mably` are names), the same word in
   lower case elsewhere in the text, a sentence's first word and nothing more.
3. Names joined by `and`/`or` (closer) or a comma share their kind (`Morelly and Mably`); a title
   listed alone votes for a person (`Pope and Czar, Metternich and Guizot`); a name before a
   lower-case noun is no item of the list (`Guizot, French radicals`).
4. Grouping: forms with the same surname join the full name (`Owen` → `Robert Owen`); a first name
   joins its only full name, if not used more often alone; `Mrs.`/`Miss` keep a woman apart from a
   man of the same surname; initials (`M. W.`) join the full name they abbreviate; capitals
   (`KARL MARX`) join `Karl Marx`; hyphens and the kind of apostrophe do not count (`Saint-Simon`,
   `Saint Simon`); an alias joins the name it is given for (`Thomas Anello, otherwise Massanello`;
   `better known as`, `alias`, `née` …).
"""

from __future__ import annotations

import bisect
import contextlib
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import spans
from .names import COMMON_CAPITALS, ID, Registers, Tagger, load_registers, phrase_pattern
from .source import read_source
from .tei import local

# --- what the rules know: words of English, none of any particular text ---------------------------

FEMALE_TITLES = {"Mrs", "Miss", "Ms", "Lady", "Dame", "Queen", "Princess", "Empress", "Duchess", "Countess",
                 "Baroness", "Madame", "Mme", "Mlle", "Mademoiselle", "Frau", "Sister"}
MALE_TITLES = {"Mr", "Messrs", "Sir", "Lord", "King", "Prince", "Emperor", "Czar", "Tsar", "Kaiser", "Duke", "Earl",
               "Count", "Baron", "Marquis", "Monsieur", "M", "Herr", "Father", "Brother", "Pope", "Cardinal"}
TITLES = FEMALE_TITLES | MALE_TITLES | {
    "Dr", "Doctor", "Professor", "Prof", "General", "Colonel", "Col", "Captain", "Capt", "Major", "Lieutenant",
    "Admiral", "Sergeant", "Corporal", "Comrade", "Citizen", "President", "Senator", "Governor", "Judge", "Justice",
    "Bishop", "Archbishop", "Rev", "Reverend", "Policeman", "Officer", "Inspector", "Chancellor", "Secretary",
    "Minister", "Marshal", "Deputy", "Alderman", "Mayor"}
#: abbreviations whose full stop ends no sentence
ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Messrs", "Dr", "St", "Mme", "Mlle", "Prof", "Rev", "Col", "Capt", "Gen", "Jr",
                 "Sr", "Hon", "No", "Vol", "vol", "pp", "cf", "viz", "Esq", "Bros", "Co"}
PARTICLES = {"de", "von", "van", "der", "den", "du", "da", "di", "del", "della", "le", "la", "ten", "ter", "d’", "d'"}
SPEECH = {"said", "says", "say", "wrote", "writes", "write", "replied", "replies", "answered", "answers", "declared",
          "declares", "remarked", "remarks", "observed", "observes", "argued", "argues", "thought", "thinks",
          "believed", "believes", "taught", "teaches", "maintained", "maintains", "asserted", "asserts", "claimed",
          "claims", "insisted", "insists", "exclaimed", "asked", "asks", "told", "tells", "expressed", "expresses",
          "admitted", "admits", "confessed", "denied", "complained", "described", "describes", "discovered",
          "invented", "introduced", "proposed", "proclaimed", "preached", "spoke", "speaks", "calls", "called",
          "himself", "herself", "who", "whom", "whose"}
#: before a name: where something is (weights: how surely a place follows)
PLACE_BEFORE = {"in": 1.5, "at": 1.5, "near": 1.5, "throughout": 1.5, "across": 1.5, "within": 1.5,
                "from": 0.75, "into": 1.0, "towards": 1.0, "toward": 1.0}
#: `the city of X`, `the king of X`: nouns that `of` joins to a place
PLACE_OF = {"city", "town", "village", "kingdom", "king", "queen", "emperor", "people", "inhabitants", "coast",
            "shores", "province", "provinces", "battle", "state", "states", "republic", "capital", "streets",
            "island", "islands", "parts", "north", "south", "east", "west", "county", "port", "borders", "colony"}
ORG_WORDS = {"Party", "Committee", "Union", "Congress", "League", "Society", "Company", "Council", "Bureau",
             "Church", "Parliament", "Assembly", "Association", "Club", "Institute", "Institution", "University",
             "College", "School", "Academy", "Army", "Navy", "Bank", "Ministry", "Department", "Commission",
             "Convention", "International", "Federation", "Government", "Court", "Senate", "House", "Office",
             "Corporation", "Trust", "Board", "Guild", "Brotherhood", "Alliance", "Journal", "Review", "Times",
             "Gazette", "Magazine", "Advertiser", "Herald", "Tribune", "Press", "Museum", "Library", "Fund",
             "Cabinet", "Convention", "Federation", "Soviet", "Soviets", "Group", "Movement", "Front", "Internationale",
             "Commune", "Estates", "Diet", "Reichstag", "Duma", "Synod", "Order", "Firm", "Works", "Mills"}
PLACE_WORDS = {"Street", "Road", "Square", "Lane", "Avenue", "River", "Mountains", "Mountain", "Island", "Islands",
               "Sea", "Ocean", "Bay", "City", "County", "State", "States", "Province", "Kingdom", "Empire",
               "Republic", "Valley", "Lake", "Coast", "Colony", "Colonies", "Isles", "Strait", "Canal", "Park",
               "Bridge", "Hill", "Hills", "Gulf", "Peninsula", "Continent", "Territory", "District", "Place", "Terrace"}
PLACE_PREFIXES = {"New", "North", "South", "East", "West", "Upper", "Lower", "Great", "Lake", "Mount", "Port",
                  "Fort", "Cape", "San", "Santa", "Saint-", "Los", "Las", "Nova", "Novo"}
#: endings of adjectives and of doctrines or followers made from names (Napoleonic, Owenites); -ly: see derived()
NOT_NAME_ENDINGS = re.compile(r"(?:isms?|ists?|ites?|ians?|eans?|icans?|ese|ish|ic|ics|ical|ans|ity|ized|ised|tion|sion|"
                              r"ment|ness|ship|hood|ance|men|ology)$")
VOWEL = re.compile(r"[aeiouyàáâäæèéêëìíîïòóôöœùúûü]")
#: endings of plural nouns that names seldom have (Britons, Negroes, Malays, Philistines)
PLURAL_ENDINGS = re.compile(r"(?:ons|oes|ays|ies|ines)$")
#: endings of the names of countries and regions (Prussia, America, Holland, Germany, Yorkshire)
PLACE_ENDINGS = re.compile(r"(?:ia|ica|land|any|shire|burg|burgh|stan|polis|ville)$")
#: words on a title page or a signature line that are not names
TITLE_PAGE_WORDS = {"BY", "AND", "WITH", "TRANSLATED", "TRANSLATION", "EDITED", "ANNOTATED", "AUTHORIZED",
                    "AUTHORISED", "INTRODUCTION", "PREFACE", "EDITION", "AUTHOR", "EDITOR", "EDITORS", "THE", "OF",
                    "AN", "A", "TO", "FROM", "NOTES", "NOTE", "ENGLISH", "REVISED", "ESQ", "ESQUIRE", "TRANSLATOR"}
#: capitalised words that name no person, place or body of a register, and abbreviations
NOT_NAMES = {"God", "Heaven", "Hell", "Providence", "Nature", "Almighty", "Creator", "Bible", "Scripture", "Gospel",
             "Amen", "Dear", "Yours", "Footnote", "Footnotes", "Note", "Notes", "Cf", "Ibid", "Id", "Op", "Vol",
             "No", "Ch", "Chap", "Ed", "Eds", "Trans", "Tis", "Twas", "Whoever", "Whatever", "Theirs", "Ours",
             "Mine", "Hers", "Yes", "Oh", "O", "Ah", "Alas", "Sir", "Madam", "Chapter", "Section", "Part", "Book"}
#: lower-case words of the closed classes (conjunctions, prepositions, auxiliaries, pronouns, adverbs)
#: that may follow a name listed with others: `Marx and Engels were`, `Politburo and Presidium where`
FOLLOWERS = set("""and or nor but yet so for if though although because since unless until while whereas where when
whence whither why how who whom whose which that what whatever whoever as than is was are were be been being am had
has have having did does do doing will would could should may might must can shall ought to in of at on by with from
into onto upon about above across after against along amid among around before behind below beneath beside besides
between beyond despite down during except inside like near off out outside over past per through throughout till
toward towards under underneath unlike up via within without themselves himself herself itself ourselves yourself
alike both all each either neither too also then again not never only even still already ever here there now thus
hence therefore however indeed once together alone first last later soon often always sometimes else instead
rather quite very much more most less least no nothing none one it its he she they we you i me him her them us his
their our your my this these those such same other another own whether""".split())
#: endings of agent nouns and adjectives that make an epithet (the Conqueror, the Pious, the Terrible)
EPITHET_ENDINGS = ("er", "or", "ous", "ful", "ive", "ble", "ed", "ent", "ant")
#: titles of address, that no occupation goes before (unlike `Police Judge`, `Prime Minister`)
COURTESY = {"Mr", "Mrs", "Ms", "Miss", "Messrs", "Dr", "Prof", "Professor", "Rev", "Reverend", "Sir", "Lady", "Madame",
            "Mme", "Mlle", "Mademoiselle", "Monsieur", "Herr", "Frau", "Dame"}
#: titles that stand for a person also without a name (`Pope and Czar, Metternich and Guizot`)
PERSON_TITLES = FEMALE_TITLES | MALE_TITLES | {"President", "Senator", "Governor", "General", "Professor", "Bishop",
                                               "Archbishop", "Chancellor", "Admiral"}
PERSON_TITLES -= {"M", "Mr", "Mrs", "Ms", "Messrs", "Sister", "Brother"}  # `M.` is also an initial
#: a name's key standing for such a title in a list
TITLED = "<title>"
#: between a name and another name of the same person: `Thomas Anello, otherwise Massanello`,
#: `Mary Ann Evans, better known as George Eliot`
ALIAS = re.compile(r"\s*[,(]?\s*(?:otherwise(?:\s+called)?|alias|a\.\s?k\.\s?a\.|aka|(?:also|better|commonly|"
                   r"generally|otherwise)\s+(?:known\s+as|called)|known\s+as|surnamed|nicknamed|n[ée]e)\s*,?\s*(?:the\s+)?",
                   re.IGNORECASE)
#: the greeting before the name in a salutation
SALUTATION = re.compile(r"\s*(?:(?:my|our|most|very)\s+)*(?:dear(?:est)?|respected|hono(?:u)?red|esteemed|beloved)?\s*",
                        re.IGNORECASE)
#: words of a salutation that name nobody: `Sir,`, `Dear Comrades,`, `Gentlemen,`
ADDRESS_WORDS = {"Sir", "Sirs", "Madam", "Gentlemen", "Comrades", "Friend", "Friends", "Brothers", "Sisters", "Citizens",
                 "Colleagues", "Ladies", "Fellow", "Countrymen", "Reader", "Readers", "Editor", "Editors", "Mother",
                 "Father", "Son", "Daughter", "Children", "All", "Love", "Darling"}
#: a citation that opens with its author's initials and surname: `D. Volkogonov, Trotsky, p. 243`
CITED_AUTHOR = re.compile(r"\s*[(\[]?\s*(?:[A-Z]\.\s*){1,3}[A-Z][\w’'\-]+\s*,")
NAME_UNITS = {"byline", "docAuthor", "signed", "bibl", "salute"}
SKIP_UNITS = {"titlePart", "head", "dateline", "label", "anchor"}

TOKEN = re.compile(r"(?P<word>[^\W\d_](?:[^\W_]|[’'\-](?=[^\W_]))*)(?P<dot>\.)?|(?P<punct>[^\w\s]|_|\d+)")
SENTENCE_END = {".", "!", "?", ":"}
OPENERS = {'"', "“", "‘", "'", "(", "[", "_", "—", "-"}
POSSESSIVE = re.compile(r"(?:’|')s$")


@dataclass
class Token:
    text: str
    start: int
    end: int
    word: bool
    initial: bool = False  # `W.`, or a title's abbreviation `Mr.`: its full stop ends no sentence
    sentence_start: bool = False


def tokens(text: str) -> list[Token]:
    """Words and punctuation; a full stop after an initial or an abbreviation stays with it."""
    out: list[Token] = []
    for m in TOKEN.finditer(text):
        if m["word"]:
            word = m["word"]
            keep_dot = m["dot"] and (len(word) == 1 and word.isupper() or word in ABBREVIATIONS)
            if keep_dot:
                out.append(Token(word + ".", m.start(), m.end(), True, True))
            else:
                out.append(Token(word, m.start(), m.start("word") + len(word), True))
                if m["dot"]:
                    out.append(Token(".", m.start("dot"), m.end("dot"), False))
        else:
            out.append(Token(m["punct"], m.start(), m.end(), False))
    starting = True
    for token in out:
        if token.word:
            token.sentence_start, starting = starting, False
        elif token.text in SENTENCE_END:
            starting = True
    return out


def bare(word: str) -> str:
    return word.rstrip(".")


def normal(name: str) -> str:
    """A name compared with another: case, hyphens and the kind of apostrophe do not count."""
    return re.sub(r"\s*-\s*", " ", name.replace("’", "'")).casefold()


def capitalised(token: Token, caps_allowed: bool) -> bool:
    word = POSSESSIVE.sub("", token.text)
    if not token.word or not word[:1].isupper():
        return False
    return caps_allowed or token.initial or len(word) == 1 or not word.isupper()


# --- mentions and their cues -------------------------------------------------------------------------

@dataclass
class Mention:
    name: tuple[str, ...]      # the name's words as written, possessive 's removed
    title: tuple[str, ...]     # titles before it (`General Sir`)
    start: int                 # offset in the concordance's text
    sentence_start: bool       # the name is a sentence's first word (no title before it)
    cues: dict = field(default_factory=lambda: defaultdict(float))
    from_name_line: bool = False
    attributive: bool = False  # before a noun the text uses: `a Manchester factory`
    modifier: bool = False     # before a lower-case word that is no verb or function word: `French radicals`
    possessive: bool = False

    @property
    def key(self) -> str:
        """The name, and whether a title makes it a woman's or a man's (Mrs. Taylor, Mr. Taylor);
        `Saint-Simon` and `Saint Simon`, `O’Brien` and `O'Brien` are one name."""
        return normal(" ".join(self.name)) + f"|{self.gender or ''}"

    @property
    def gender(self) -> str | None:
        titles = {bare(t) for t in self.title}
        return "f" if titles & FEMALE_TITLES else "m" if titles & MALE_TITLES else None

    def form(self) -> str:
        """As written, title and all: `Mrs. Pellam` names her, a bare `Pellam` may name her husband."""
        return " ".join(self.title + self.name)


def _in_emphasis(view: spans.View, pos: int, unit) -> bool:
    """Italics or a title of a work: not a name to register."""
    for run in view.places(pos + 1)[:1]:
        node = run.parent
        while node is not None and node is not unit:
            if local(node) in ("hi", "title", "foreign"):
                return True
            node = node.getparent()
    return False


QUOTED_TITLE = re.compile(r"[\"“‘']((?:[A-Z][\w’'\-.]*|and|of|the|on|in|a|de|le|la|&)(?:[ \n]+(?:[A-Z][\w’'\-.]*"
                          r"|and|of|the|on|in|a|de|le|la|&)){0,7})[,;:]?[\"”’']")


def _quoted_title(text: str, start: int, end: int) -> bool:
    """`"Kolokol"`, `"Sandford and Merton"`, `"Guizot,"`: a title in quotation marks, no name."""
    for m in QUOTED_TITLE.finditer(text, max(0, start - 60), min(len(text), end + 60)):
        if m.start(1) <= start and end <= m.end(1):
            return True
    return False


def prose_mentions(text: str, offset: int, view: spans.View, unit, lower_words: set[str],
                   nouns: set[str]) -> tuple[list[Mention], list[tuple[str, str]]]:
    """Mentions in a paragraph, and the pairs of them joined by `and`, `or` (how: and), a comma or a
    semicolon (how: comma), or written as another name of the same person (how: alias)."""
    toks = tokens(text)
    mentions: list[tuple[int, int, Mention]] = []  # (first token, last token, mention)
    i = 0
    while i < len(toks):
        if not capitalised(toks[i], False):
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and not POSSESSIVE.search(toks[j].text):
            nxt = toks[j + 1]
            if capitalised(nxt, False) and text[toks[j].end:nxt.start].isspace() and \
                    bare(nxt.text) not in COMMON_CAPITALS | NOT_NAMES:
                j += 1
            elif nxt.text in PARTICLES and j + 2 < len(toks) and capitalised(toks[j + 2], False):
                j += 2
            else:
                break
        if j == i and _epithet(toks, i, text, lower_words):
            j += 2  # William the Conqueror, Alexander the Great
        run = toks[i:j + 1]
        first = i
        # leading sentence words: `The`, `As Kant`, `Thus Fourier`, `Doubtless Mrs. Taylor` (an occupation
        # comes before a rank, `Police Judge Graham`, never before `Mr.`)
        while run and (not run[0].initial and bare(POSSESSIVE.sub("", run[0].text)) in COMMON_CAPITALS | NOT_NAMES or
                       run[0].sentence_start and len(run) > 1 and (run[0].text.casefold() in lower_words or
                                                                   adverb(run[0].text, lower_words)) or
                       len(run) > 2 and bare(run[1].text) in COURTESY and bare(run[0].text) not in TITLES):
            run, first = run[1:], first + 1
        mention = _mention(run, toks, first, text, offset, view, unit, lower_words, nouns)
        if mention:
            mentions.append((first, j, mention))
        elif run and all(bare(t.text) in PERSON_TITLES for t in run):
            mentions.append((first, j, None))  # `Pope and Czar, Metternich and Guizot`: a person, listed
        i = j + 1
    pairs = []
    for (_, end_a, a), (start_b, _, b) in zip(mentions, mentions[1:]):
        if a is None and b is None:
            continue
        between = [t.text for t in toks[end_a + 1:start_b]]
        if a and b and not a.possessive and not b.possessive and \
                ALIAS.fullmatch(text[toks[end_a].end:toks[start_b].start]):
            pairs.append((a.key, b.key, "alias"))
        elif between in (["and"], ["or"], ["nor"], [","], [",", "and"], [",", "or"], [";"]) and \
                not (b and b.modifier):  # `Guizot, French radicals`: the item listed is no name
            how = "and" if between[-1] in ("and", "or", "nor") else "comma"
            pairs.append((a.key if a else TITLED, b.key if b else TITLED, how))
    return [m for _, _, m in mentions if m], pairs


def _epithet(toks: list[Token], i: int, text: str, lower_words: set[str]) -> bool:
    """`William the Conqueror`, `Alexander the Great`: a name, `the` and a capitalised epithet, a
    word the text also writes in lower case or an agent noun or adjective by its ending (-er, -or,
    -ous …), that is no adjective of a people or a doctrine (`the Italian`), no body or place word and
    no first word of a longer name (`the United States`); not after a verb (`gave Marx the Prize`),
    and the name no place by its ending (`Prussia the Rhineland`)."""
    if i + 2 >= len(toks) or toks[i + 1].text != "the" or POSSESSIVE.search(toks[i].text):
        return False
    name, epithet = toks[i], toks[i + 2]
    if bare(name.text) in COMMON_CAPITALS | NOT_NAMES | TITLES or name.text.casefold() in lower_words \
            or name.initial or name.text.isupper() or derived(name.text, lower_words) or PLACE_ENDINGS.search(name.text):
        return False
    previous = toks[i - 1] if i else None
    if previous and previous.word and previous.text.islower() and previous.text not in FOLLOWERS:
        return False
    if not capitalised(epithet, False) or epithet.initial or POSSESSIVE.search(epithet.text) or \
            bare(epithet.text) in COMMON_CAPITALS | NOT_NAMES | ORG_WORDS | PLACE_WORDS | TITLES or \
            derived(epithet.text, lower_words) or epithet.text.isupper() or not (
                epithet.text.casefold() in lower_words or epithet.text.endswith(EPITHET_ENDINGS)):
        return False
    if not (text[name.end:toks[i + 1].start] == " " and text[toks[i + 1].end:epithet.start] == " "):
        return False
    nxt = toks[i + 3] if i + 3 < len(toks) else None
    return not (nxt and capitalised(nxt, False) and text[epithet.end:nxt.start].isspace())


def _mention(run: list[Token], toks: list[Token], first: int, text: str, offset: int, view, unit,
             lower_words: set[str], nouns: set[str]) -> Mention | None:
    if not run:
        return None
    k = 0
    while k < len(run) - 1 and bare(run[k].text) in TITLES and not (
            bare(run[k].text) == "M" and run[k + 1].initial):  # `M. W.` are initials, `M. Comte` a title
        k += 1
    # an occupation before the title: `Police Judge Graham`
    last_title = max((n for n, t in enumerate(run[:-1]) if bare(t.text) in TITLES and bare(t.text) != "M"), default=-1)
    if last_title >= k:
        k = last_title + 1
    title, name = run[:k], run[k:]
    words = [POSSESSIVE.sub("", t.text) for t in name]
    if not words or all(t.initial for t in name) and len(name) == 1 or all(bare(w) in TITLES for w in words):
        return None
    if any("-" in w and any(p[:1].islower() for p in w.split("-")) for w in words):
        return None  # God-given
    if any(re.search(r"\w[’']\w", w) and not re.search(r"[’'][A-Z]", w) for w in words):
        return None  # O’er, Ne'er: a contraction (O’Brien, D'Arcy are names)
    if title and not title[-1].initial and all(w.casefold() in lower_words for w in words):
        return None  # General Election
    if _in_emphasis(view, name[0].start, unit) or _quoted_title(text, run[0].start, run[-1].end):
        return None
    mention = Mention(tuple(words), tuple(t.text for t in title), offset + name[0].start,
                      name[0].sentence_start and not title)
    cues = mention.cues
    before = [t.text.casefold() for t in toks[max(0, first - 2):first]]
    after_index = first + len(run)
    after = [t.text.casefold() for t in toks[after_index:after_index + 3]]
    if title:
        cues["person"] += 3
    if len(words) > 1:
        if any(t.initial for t in name[:-1]) and not name[-1].initial:
            cues["person"] += 3
        else:
            cues["person"] += 1.5
    if POSSESSIVE.search(name[-1].text):
        cues["person"] += 0.5
    speaks = any(w in SPEECH for w in after[:2]) or after[:1] == [","] and after[1:2] and after[1] in ("who", "whose")
    if speaks:
        cues["person"] += 2
    if before and before[-1] in SPEECH and before[-1] not in ("who", "whom", "whose"):
        cues["person"] += 2
    if before and before[-1] in ("the", "a", "an") and not title:  # the Reign, a Frenchman
        cues["the"] += 1
    possessive = bool(POSSESSIVE.search(name[-1].text))
    if before and before[-1] in PLACE_BEFORE and not title and not possessive:  # in Carlyle's phrase
        cues["place"] += PLACE_BEFORE[before[-1]]
    if len(before) == 2 and before[-1] == "of" and (before[0] in PLACE_OF or before[0].title() in TITLES):
        cues["place"] += 1.5  # the city of X, the Bishop of X
    mention.possessive = possessive
    following = toks[after_index] if after_index < len(toks) else None
    mention.modifier = bool(following and following.word and following.text.islower() and
                            text[name[-1].end:following.start] == " " and following.text not in FOLLOWERS and
                            following.text not in SPEECH and not following.text.endswith(("ed", "ing")))
    mention.attributive = bool(after[:1] and after[0] in nouns and toks[after_index].start - name[-1].end == 1)
    if not possessive and not speaks and mention.attributive:
        cues["place"] += 1  # a Manchester factory, the Geneva letters: a place or a thing, rarely a person
        cues["person"] -= 1
    return mention


def name_line_mentions(text: str, offset: int, lower_words: set[str], kind: str = "byline") -> list[Mention]:
    """Names on a byline, a signature or an attribution (`By Karl Marx and Frederick Engels`,
    `HUXLEY.`, `M. W.`): mixed case only after `by`, capitals anywhere; the person a letter's
    salutation addresses (`Dear Comrade Kamenev,`, `Joseph,`); the author a citation gives first,
    with initials (`D. Volkogonov, Trotsky, p. 243`)."""
    plain = text.replace("_", " ")
    by = list(re.finditer(r"\bby\b", plain, re.IGNORECASE))
    start = by[-1].end() if by else 0
    first_only = False
    if kind == "salute":
        start, first_only = SALUTATION.match(plain).end(), True
    elif not by and not plain.isupper():
        if kind != "bibl" or not CITED_AUTHOR.match(plain):
            return []
        first_only = True
    mentions = []
    for part in re.finditer(r"[^,;&\n]+", plain[start:]):
        for piece in re.split(r"\s+(?:and|AND)\s+", part.group()):
            chunk = piece.strip()
            if not chunk or re.search(r"\w\.\w", chunk):  # degrees: LL.D., D.Sc.
                continue
            toks = [t for t in tokens(chunk) if t.word]
            words = [t.text for t in toks]
            if not 1 <= len(words) <= 4 or any(not w[:1].isupper() for w in words):
                continue
            if any(bare(w).upper() in TITLE_PAGE_WORDS for w in words) or \
                    all(bare(w) in TITLES | NOT_NAMES | ADDRESS_WORDS for w in words):
                continue
            if len(words) == 1 and words[0].casefold() in lower_words:
                continue
            title = tuple(words[:1]) if len(words) > 1 and bare(words[0]) in TITLES and not toks[1].initial else ()
            name = tuple(words[len(title):])
            at = offset + start + part.start() + piece.find(name[0])
            mention = Mention(name, title, at, False, from_name_line=True)
            mention.cues["person"] += 3
            mentions.append(mention)
        if first_only:
            break
    return mentions


# --- from mentions to entries -----------------------------------------------------------------------

@dataclass
class Candidate:
    key: str
    mentions: list[Mention] = field(default_factory=list)
    kind: str | None = None

    def cue(self, name: str) -> float:
        return sum(m.cues[name] for m in self.mentions)

    @property
    def words(self) -> tuple[str, ...]:
        """The name in most words: `Great Britain` rather than `Great-Britain`."""
        return max((m.name for m in self.mentions), key=lambda n: len(n))

    @property
    def gender(self) -> str | None:
        genders = {m.gender for m in self.mentions} - {None}
        return genders.pop() if len(genders) == 1 else None


def adverb(word: str, lower_words: set[str]) -> bool:
    """An adverb made from a word the text writes in lower case: `Finally`, `Happily`, `Doubtless`,
    `Likewise`; not `Italy`, `Emily`, `Mably`."""
    w = word.casefold()
    if w.endswith("ly"):
        stems = {w[:-2], w[:-1] + "e"} | ({w[:-3] + "y"} if w.endswith("ily") else set()) | \
            ({w[:-4]} if w.endswith("ally") else set())
    elif w.endswith(("less", "wise")):
        stems = {w[:-4]}
    else:
        return False
    return any(len(stem) >= 3 and stem in lower_words for stem in stems)


def derived(word: str, lower_words: set[str]) -> bool:
    """A word made from another by an ending, not a name: an adjective, a doctrine, its followers
    (Napoleonic, Owenites, Socialism), an adverb (see adverb()). What the ending leaves must be a
    stem with a vowel: `Christ`, `White`, `Twist` are names."""
    if word.endswith("ly"):
        return adverb(word, lower_words)
    m = NOT_NAME_ENDINGS.search(word)
    return bool(m) and bool(VOWEL.search(word[:m.start()].casefold()))


def classify(candidate: Candidate, lower_words: set[str], capitals: set[str]) -> str | None:
    """person, place, org, or None (not a name, or no cue either way yet)."""
    words = candidate.words
    titled = any(m.title for m in candidate.mentions)
    if any(bare(w) in ORG_WORDS for w in words):
        return "org"
    if len(words) > 1 and (words[-1] in PLACE_WORDS or words[0] in PLACE_PREFIXES):
        return "place"
    parts = words[0].split("-")  # Great-Britain, New-York
    if len(words) == 1 and len(parts) > 1 and (parts[0] in PLACE_PREFIXES or parts[-1] in PLACE_WORDS):
        return "place"
    if all(len(bare(w)) == 1 for w in words):
        return "person" if candidate.cue("person") else None  # initials alone: only where signed
    if len(words) > 1 and not titled:  # `English Socialists`, `Modern Industry`: words, not a name
        # the words between the first and the last of three or more: middle names (George Julian Harney)
        ends = (words[0], words[-1]) if len(words) > 2 else words
        if any(derived(w, lower_words) for w in ends):
            return None
        common = sum(w.casefold() in lower_words for w in words)
        if 2 * common > len(words):
            return None
        if 2 * common == len(words):
            candidate.mentions[0].cues["person"] -= 1.5
    if len(words) == 1 and not titled and not any(m.from_name_line for m in candidate.mentions):
        word = words[0]
        if derived(word, lower_words) or word.casefold() in lower_words or word.isupper():
            return None
        if word.endswith("s") and (word[:-1].casefold() in lower_words or word[:-2].casefold() in lower_words
                                   or word[:-1] in ORG_WORDS or derived(word[:-1], lower_words)
                                   or PLURAL_ENDINGS.search(word)):
            return None  # a plural: Unions, Charities, Britons
        if PLACE_ENDINGS.search(word) or _demonym(word, capitals):
            candidate.mentions[0].cues["place"] += 1
        if all(m.sentence_start for m in candidate.mentions) and not candidate.cue("person"):
            return None
    person = candidate.cue("person") - 2 * candidate.cue("the")
    place = candidate.cue("place")
    if person > place and person > 0:
        return "person"
    if place > 0:
        return "place"
    if candidate.cue("the") >= len(candidate.mentions) / 2:
        return None
    return "unknown"


def _nouns(text: str) -> set[str]:
    """Words the text uses as nouns (after `the`, `a`, `his` …) and never as verbs (after `he`, `they` …)."""
    after = defaultdict(set)
    for det, word in re.findall(r"\b(the|a|an|his|her|their|its|our|my|he|she|it|they|we|i|who)\s+([a-z]+)\b", text,
                                re.IGNORECASE):
        after[word.casefold()].add(det.casefold())
    verbs_after = {"he", "she", "it", "they", "we", "i", "who"}
    for word in re.findall(r"\b(?:is|was|are|were|be|been|very|most|more|to)\s+([a-z]+)\b", text, re.IGNORECASE):
        after[word.casefold()].add("he")  # an adjective, an adverb or a verb as well
    return {w for w, dets in after.items() if dets and not dets & verbs_after} - FOLLOWERS


def _demonym(word: str, capitals: set[str]) -> bool:
    """The text also has the adjective of a country: America/American, Germany/German, Europe/European."""
    return bool({word + "n", word + "an", word[:-1] + "ean"} & capitals or word.endswith("y") and word[:-1] in capitals)


def mentions_of(path: Path, registers: Registers) -> tuple[list[Mention], list[tuple[str, str]], str, tuple]:
    """Every mention in the text's TEI that no register covers, the coordinated pairs, the source
    and the words the text writes in lower case."""
    from .build import Text, text_to_tei
    with contextlib.redirect_stderr(io.StringIO()):  # the reader's guesses are the build's to report
        root = text_to_tei(Text.from_path(path))
    text_el = root.find("{http://www.tei-c.org/ns/1.0}text")
    doc = spans.Concordance(text_el)
    covered = [(s, e) for s, e, _ in Tagger(registers).find(doc.text)]
    lower_words = {w.casefold() for w in re.findall(r"\b[a-z][a-z’'\-]*\b", doc.text)}
    capitals = set(re.findall(r"\b[A-Z][a-z]+\b", doc.text))
    nouns = _nouns(doc.text)
    mentions, pairs = [], []
    for i, unit in enumerate(doc.units):
        kind = local(unit)
        view = doc.view(i)
        if kind in SKIP_UNITS and not (kind == "head" and re.match(r"\s*TO\s", view.text)):
            continue
        if kind in NAME_UNITS or kind == "head":
            text = re.sub(r"^\s*TO\s", "   ", view.text) if kind == "head" else view.text
            if kind == "head":
                text = text.split(",")[0]
            found = name_line_mentions(text, doc.starts[i], lower_words, kind)
        else:
            found, joined = prose_mentions(view.text, doc.starts[i], view, unit, lower_words, nouns)
            pairs += joined
        mentions += [m for m in found if not any(s <= m.start < e for s, e in covered)]
    return mentions, pairs, read_source(path).text, (lower_words, capitals)


def kinds(candidates: dict[str, Candidate], pairs, lower_words: set[str], capitals: set[str]) -> None:
    """Each candidate's kind from its own cues, then from the names it is listed with (`and` binds
    closer than a comma; a title listed alone, `Pope and Czar`, votes for a person); another name of a
    person is a person."""
    for candidate in candidates.values():
        candidate.kind = classify(candidate, lower_words, capitals)
    kind_of = {TITLED: "person"}
    listed = set(candidates) | {TITLED}
    neighbours = defaultdict(list)
    for a, b, how in pairs:
        if how in ("and", "comma") and a in listed and b in listed:
            weight = 2 if how == "and" else 1  # `Metternich and Guizot, French radicals`
            neighbours[a] += [b] * weight
            neighbours[b] += [a] * weight
        elif how == "alias" and a in candidates and b in candidates:
            one, other = candidates[a], candidates[b]
            for x, y in ((one, other), (other, one)):
                if x.kind == "person" and y.kind in (None, "unknown"):
                    y.kind = "person"
    for _ in range(len(candidates)):
        changed = False
        kind_of.update((key, c.kind) for key, c in candidates.items())
        for key, candidate in candidates.items():
            if candidate.kind != "unknown":
                continue
            votes = [kind_of[n] for n in neighbours[key] if kind_of[n] in ("person", "place")]
            if votes:
                candidate.kind, changed = max(set(votes), key=votes.count), True
        if not changed:
            break
    for candidate in candidates.values():
        if candidate.kind == "unknown":  # a capitalised word that is no sentence opening, with no cue
            candidate.kind = "person"


def surname(words: tuple[str, ...]) -> str:
    return normal(words[-1])


def initials(words: tuple[str, ...]) -> str:
    return "".join(w[0].upper() for w in words)


def group(candidates: list[Candidate], aliases: list[tuple[str, str]] = ()) -> list[list[Candidate]]:
    """Persons: full names first (merged when one's words extend the other's, `Henry Thoreau` and
    `Henry David Thoreau`, `Saint Simon` and `Henri de Saint-Simon`), then surnames, first names and
    initials join the one they name; last, a name given as another's alias joins it."""
    full = sorted((c for c in candidates if len(c.words) > 1 and not all(len(bare(w)) == 1 for w in c.words)),
                  key=lambda c: (-len(c.words), -len(c.mentions)))
    groups: list[list[Candidate]] = []

    def gender(g):
        genders = {c.gender for c in g} - {None}
        return genders.pop() if len(genders) == 1 else None

    def compatible(g, c):
        return gender(g) in (None, c.gender) or c.gender is None

    for c in full:
        words = normal(" ".join(c.words)).split()
        for g in groups:
            head = normal(" ".join(g[0].words)).split()
            if head[-1] == words[-1] and compatible(g, c) and all(w in head[:-1] or
                                                                  any(h.startswith(bare(w)) for h in head[:-1])
                                                                  for w in words[:-1]):
                g.append(c)
                break
        else:
            groups.append([c])
    for c in candidates:
        if c in full:
            continue
        if all(len(bare(w)) == 1 for w in c.words):  # initials: the full name they abbreviate
            match = [g for g in groups if initials(g[0].words) == initials(c.words)]
        else:
            word = normal(c.words[0])
            # a woman's title joins only a woman's entry: Mrs. Carlyle is not Carlyle
            full_groups = [g for g in groups if len(g[0].words) > 1]
            match = [g for g in full_groups if surname(g[0].words) == word and
                     (gender(g) == c.gender if c.gender == "f" else gender(g) != "f")]
            if not match:
                # a first name alone, never more often than the full name (`Lenin` is no first name of `Lenin Levy`)
                match = [g for g in full_groups if normal(g[0].words[0]) == word and
                         not any(m.gender == "f" for x in g for m in x.mentions) and
                         sum(len(x.mentions) for x in g) >= len(c.mentions)]
                match = match if len(match) == 1 else []
        if not match:  # Mr. Pelham and Pelham; Mrs. Grote apart from Grote
            match = [g for g in groups if len(g[0].words) == 1 and g[0].key.split("|")[0] == c.key.split("|")[0]
                     and (gender(g) == "f") == (c.gender == "f")]
        if match:
            max(match, key=lambda g: sum(len(x.mentions) for x in g)).append(c)
        else:
            groups.append([c])
    for a, b in aliases:
        ga = next((g for g in groups if any(c.key == a for c in g)), None)
        gb = next((g for g in groups if any(c.key == b for c in g)), None)
        if ga and gb and ga is not gb:
            ga.extend(gb)
            groups.remove(gb)
    return groups


@dataclass
class Entry:
    kind: str  # person | place | org
    forms: list[str]
    words: tuple[str, ...]
    lines: list[int] = field(default_factory=list)
    id: str = ""

    def index(self) -> str:
        words = self.words if not " ".join(self.words).isupper() else tuple(w.title() for w in self.words)
        if self.kind == "person" and len(words) > 1 and not all(len(bare(w)) == 1 for w in words) \
                and "the" not in words:  # William the Conqueror
            return f"{words[-1]}, {' '.join(words[:-1])}"
        return " ".join(words)


def draft(path: Path, registers: Registers | None = None) -> list[Entry]:
    """The draft entries for a text, persons first, each with the source lines of its forms."""
    registers = registers if registers is not None else load_registers(path.parent)
    mentions, pairs, source, (lower_words, capitals) = mentions_of(path, registers)
    candidates: dict[str, Candidate] = {}
    for mention in mentions:
        candidates.setdefault(mention.key, Candidate(mention.key)).mentions.append(mention)
    kinds(candidates, pairs, lower_words, capitals)
    _rescue_surnames(candidates, lower_words)
    persons = [c for c in candidates.values() if c.kind == "person"]
    entries = []
    aliases = [(a, b) for a, b, how in pairs if how == "alias"]
    for g in group(persons, aliases):
        entries.append(_entry("person", g))
    for kind in ("place", "org"):
        for c in candidates.values():
            if c.kind == kind:
                entries.append(_entry(kind, [c]))
    return _finish(entries, registers, source)


def _rescue_surnames(candidates: dict[str, Candidate], lower_words: set[str]) -> None:
    """A word that is the surname of a person's full name names a person (`Mill`, also a noun), and
    so does the first word of only one person's full name (`Chiang` of `Chiang Kai Shek`)."""
    full = [c.words for c in candidates.values() if c.kind == "person" and len(c.words) > 1
            and not all(len(bare(w)) == 1 for w in c.words)]
    surnames = {surname(words) for words in full}
    first_names = defaultdict(set)
    for words in full:
        first_names[normal(words[0])].add(surname(words))
    for c in candidates.values():
        if c.kind is not None or len(c.words) != 1 or len(bare(c.words[0])) < 2 or derived(c.words[0], lower_words) \
                or c.words[0].casefold() in lower_words:
            continue
        if surname(c.words) in surnames or len(first_names.get(normal(c.words[0]), ())) == 1:
            c.kind = "person"


def _entry(kind: str, group_: list[Candidate]) -> Entry:
    forms: dict[str, None] = {}
    for c in group_:
        for m in c.mentions:
            forms[m.form()] = None
    best = max(group_, key=lambda c: (len(c.words), not " ".join(c.words).isupper(), len(c.mentions)))
    return Entry(kind, sorted(forms, key=lambda f: (-len(f), f)), best.words)


def _finish(entries: list[Entry], registers: Registers, source: str) -> list[Entry]:
    """Forms owned once, lines found in the source, ids unique against the registers; a form the
    registers know, as a name or as a phrase that names nobody (`not: [Lenin Levy]`), is left out."""
    known = {f for e in registers.named() for f in e.forms + e.not_}
    taken = set(registers.entities)
    owned: set[str] = set()
    line_starts = [m.end() for m in re.finditer("\n", source)]
    out = []
    for entry in entries:
        entry.forms = [f for f in entry.forms if f not in known and f not in owned]
        if not entry.forms:
            continue
        owned.update(entry.forms)
        lines = set()
        for form in entry.forms:
            for m in re.finditer(phrase_pattern(form), source):
                lines.add(bisect.bisect_right(line_starts, m.start()) + 1)
        entry.lines = sorted(lines)
        entry.id = _unique(_slug(" ".join(entry.words)), taken)
        taken.add(entry.id)
        out.append(entry)
    return out


def _slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    return slug if slug[:1].isalpha() else f"name-{slug}".rstrip("-")


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken or not ID.match(candidate):
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


# --- the draft file -------------------------------------------------------------------------------

def draft_paths(text: Path) -> dict[str, Path]:
    """Beside the text, one per register: never the registers themselves."""
    stem = text.name[:-4] if text.name.endswith(".txt") else text.stem
    return {"persons": text.with_name(f"{stem}.persons.draft.yaml"),
            "places": text.with_name(f"{stem}.places.draft.yaml")}


def to_yaml(entries: list[Entry], register: str) -> str:
    """Entries in the register's own format (persons.yaml, or places.yaml with `type`)."""
    rows = []
    for e in entries:
        if (e.kind == "person") != (register == "persons"):
            continue
        row = {"id": e.id}
        if register == "places":
            row["type"] = e.kind
        row.update({"index": e.index(), "forms": e.forms, "lines": e.lines, "draft": True})
        rows.append(row)
    if not rows:
        return ""  # an empty file: appended to a register it adds nothing
    return "\n".join(yaml.safe_dump([row], allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
                     for row in rows)


def write_draft(text: Path, registers_dir: Path | None = None) -> dict[str, Path]:
    """Draft the text's registers into its draft files; returns them by register."""
    registers = load_registers(registers_dir or text.parent)
    entries = draft(text, registers)
    paths = draft_paths(text)
    header = ("# Draft register entries made by `edition names --draft`: check each entry, correct it, remove\n"
              "# `draft: true`, then append the entries to {name} (docs/editing.md, 'Drafting the registers').\n")
    for register, path in paths.items():
        path.write_text(header.format(name=f"{register}.yaml") + to_yaml(entries, register), encoding="utf-8")
    return paths
