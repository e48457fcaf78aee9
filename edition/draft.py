"""Draft register entries (persons, places, bodies) from a text, for an editor to correct.

A rule-based detector, so that it runs anywhere with nothing downloaded and every guess can be
explained. It reads the text's TEI (what the reader made of it), not the .txt: a title or a heading
is not a sentence, and a byline or a signature names a person.

1. Candidates: runs of capitalised words in the paragraphs (with initials, `Mr.`-like titles and
   particles such as `von`), leading sentence words (`The`, `As`, `Thus` …) dropped; names on
   bylines, signatures and attributions, also when written in capitals.
2. Cues, summed over every mention of a candidate: a title before it, a speech verb or `who` after
   it, initials, a first name (two or more words), a possessive speak for a person; `in`, `at`,
   `near` … before it for a place; an organisation word (Party, Society …) for a body. Against a
   name: `the` before it, an adjective's ending (-ism, -ian …), the same word in lower case
   elsewhere in the text, a sentence's first word and nothing more.
3. Names joined by `and`/`or`/a comma share their kind (`Morelly and Mably`).
4. Grouping: forms with the same surname join the full name (`Owen` → `Robert Owen`); a first name
   joins its only full name; `Mrs.`/`Miss` keep a woman apart from a man of the same surname;
   initials (`M. W.`) join the full name they abbreviate; capitals (`KARL MARX`) join `Karl Marx`.
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
               "Bridge", "Hill", "Hills", "Gulf", "Peninsula", "Continent", "Territory", "District"}
PLACE_PREFIXES = {"New", "North", "South", "East", "West", "Upper", "Lower", "Great", "Lake", "Mount", "Port",
                  "Fort", "Cape", "San", "Santa", "Saint-", "Los", "Las", "Nova", "Novo"}
#: endings of adjectives and of doctrines or followers made from names (Napoleonic, Owenites)
NOT_NAME_ENDINGS = re.compile(r"(?:isms?|ists?|ites?|ians?|eans?|icans?|ese|ish|ic|ics|ical|ans|ity|ized|ised|ly|tion|sion|"
                              r"ment|ness|ship|hood|ance|men)$")
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
NAME_UNITS = {"byline", "docAuthor", "signed", "bibl"}
SKIP_UNITS = {"titlePart", "head", "dateline", "salute", "label", "anchor"}

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

    @property
    def key(self) -> str:
        """The name, and whether a title makes it a woman's or a man's (Mrs. Taylor, Mr. Taylor)."""
        return " ".join(w.casefold() for w in self.name) + f"|{self.gender or ''}"

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
                          r"|and|of|the|on|in|a|de|le|la|&)){0,7})[\"”’']")


def _quoted_title(text: str, start: int, end: int) -> bool:
    """`"Kolokol"`, `"Sandford and Merton"`: a title in quotation marks, no name."""
    for m in QUOTED_TITLE.finditer(text, max(0, start - 60), min(len(text), end + 60)):
        if m.start(1) <= start and end <= m.end(1):
            return True
    return False


def prose_mentions(text: str, offset: int, view: spans.View, unit, lower_words: set[str],
                   nouns: set[str]) -> tuple[list[Mention], list[tuple[str, str]]]:
    """Mentions in a paragraph, and the pairs of them joined by `and`, `or` or a comma."""
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
        run = toks[i:j + 1]
        first = i
        # leading sentence words: `The`, `As Kant`, `Thus Fourier`
        while run and (not run[0].initial and bare(POSSESSIVE.sub("", run[0].text)) in COMMON_CAPITALS | NOT_NAMES or
                       run[0].sentence_start and len(run) > 1 and run[0].text.casefold() in lower_words):
            run, first = run[1:], first + 1
        mention = _mention(run, toks, first, text, offset, view, unit, lower_words, nouns)
        if mention:
            mentions.append((first, j, mention))
        i = j + 1
    pairs = []
    for (_, end_a, a), (start_b, _, b) in zip(mentions, mentions[1:]):
        between = [t.text for t in toks[end_a + 1:start_b]]
        if between in (["and"], ["or"], ["nor"], [","], [",", "and"], [",", "or"], [";"]):
            pairs.append((a.key, b.key))
    return [m for _, _, m in mentions], pairs


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
    if before and before[-1] == "the" and not title:
        cues["the"] += 1
    possessive = bool(POSSESSIVE.search(name[-1].text))
    if before and before[-1] in PLACE_BEFORE and not title and not possessive:  # in Carlyle's phrase
        cues["place"] += PLACE_BEFORE[before[-1]]
    if len(before) == 2 and before[-1] == "of" and (before[0] in PLACE_OF or before[0].title() in TITLES):
        cues["place"] += 1.5  # the city of X, the Bishop of X
    if not possessive and not speaks and after[:1] and after[0] in nouns and toks[after_index].start - \
            name[-1].end == 1:
        cues["place"] += 1  # a Manchester factory, the Geneva letters: a place or a thing, rarely a person
        cues["person"] -= 1
    return mention


def name_line_mentions(text: str, offset: int, lower_words: set[str]) -> list[Mention]:
    """Names on a byline, a signature or an attribution (`By Karl Marx and Frederick Engels`,
    `HUXLEY.`, `M. W.`): mixed case only after `by`, capitals anywhere."""
    plain = text.replace("_", " ")
    by = list(re.finditer(r"\bby\b", plain, re.IGNORECASE))
    start = by[-1].end() if by else 0
    if not by and not plain.isupper():
        return []
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
            if any(bare(w).upper() in TITLE_PAGE_WORDS for w in words):
                continue
            if len(words) == 1 and words[0].casefold() in lower_words:
                continue
            title = tuple(words[:1]) if len(words) > 1 and bare(words[0]) in TITLES and not toks[1].initial else ()
            name = tuple(words[len(title):])
            at = offset + start + part.start() + piece.find(name[0])
            mention = Mention(name, title, at, False, from_name_line=True)
            mention.cues["person"] += 3
            mentions.append(mention)
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
        return self.mentions[0].name

    @property
    def gender(self) -> str | None:
        genders = {m.gender for m in self.mentions} - {None}
        return genders.pop() if len(genders) == 1 else None


def classify(candidate: Candidate, lower_words: set[str], capitals: set[str]) -> str | None:
    """person, place, org, or None (not a name, or no cue either way yet)."""
    words = candidate.words
    titled = any(m.title for m in candidate.mentions)
    if any(bare(w) in ORG_WORDS for w in words):
        return "org"
    if len(words) > 1 and (words[-1] in PLACE_WORDS or words[0] in PLACE_PREFIXES):
        return "place"
    if all(len(bare(w)) == 1 for w in words):
        return "person" if candidate.cue("person") else None  # initials alone: only where signed
    if len(words) > 1 and not titled:  # `English Socialists`, `Modern Industry`: words, not a name
        if any(NOT_NAME_ENDINGS.search(w) for w in words):
            return None
        common = sum(w.casefold() in lower_words for w in words)
        if 2 * common > len(words):
            return None
        if 2 * common == len(words):
            candidate.mentions[0].cues["person"] -= 1.5
    if len(words) == 1 and not titled and not any(m.from_name_line for m in candidate.mentions):
        word = words[0]
        if NOT_NAME_ENDINGS.search(word) or word.casefold() in lower_words or word.isupper():
            return None
        if word.endswith("s") and (word[:-1].casefold() in lower_words or word[:-2].casefold() in lower_words
                                   or word[:-1] in ORG_WORDS or NOT_NAME_ENDINGS.search(word[:-1])
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
    return {w for w, dets in after.items() if dets and not dets & verbs_after}


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
            found = name_line_mentions(text, doc.starts[i], lower_words)
        else:
            found, joined = prose_mentions(view.text, doc.starts[i], view, unit, lower_words, nouns)
            pairs += joined
        mentions += [m for m in found if not any(s <= m.start < e for s, e in covered)]
    return mentions, pairs, read_source(path).text, (lower_words, capitals)


def kinds(candidates: dict[str, Candidate], pairs, lower_words: set[str], capitals: set[str]) -> None:
    """Each candidate's kind from its own cues, then from the names it is listed with."""
    for candidate in candidates.values():
        candidate.kind = classify(candidate, lower_words, capitals)
    neighbours = defaultdict(list)
    for a, b in pairs:
        if a in candidates and b in candidates:
            neighbours[a].append(b)
            neighbours[b].append(a)
    for _ in range(len(candidates)):
        changed = False
        for key, candidate in candidates.items():
            if candidate.kind != "unknown":
                continue
            votes = [candidates[n].kind for n in neighbours[key] if candidates[n].kind in ("person", "place")]
            if votes:
                candidate.kind, changed = max(set(votes), key=votes.count), True
        if not changed:
            break
    for candidate in candidates.values():
        if candidate.kind == "unknown":  # a capitalised word that is no sentence opening, with no cue
            candidate.kind = "person"


def surname(words: tuple[str, ...]) -> str:
    return words[-1].casefold()


def initials(words: tuple[str, ...]) -> str:
    return "".join(w[0].upper() for w in words)


def group(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Persons: full names first (merged when one's words extend the other's, `Henry Thoreau` and
    `Henry David Thoreau`), then surnames, first names and initials join the one they name."""
    full = sorted((c for c in candidates if len(c.words) > 1 and not all(len(bare(w)) == 1 for w in c.words)),
                  key=lambda c: (-len(c.words), -len(c.mentions)))
    groups: list[list[Candidate]] = []

    def gender(g):
        genders = {c.gender for c in g} - {None}
        return genders.pop() if len(genders) == 1 else None

    def compatible(g, c):
        return gender(g) in (None, c.gender) or c.gender is None

    for c in full:
        words = [w.casefold() for w in c.words]
        for g in groups:
            head = [w.casefold() for w in g[0].words]
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
            word = c.words[0].casefold()
            # a woman's title joins only a woman's entry: Mrs. Carlyle is not Carlyle
            full_groups = [g for g in groups if len(g[0].words) > 1]
            match = [g for g in full_groups if surname(g[0].words) == word and
                     (gender(g) == c.gender if c.gender == "f" else gender(g) != "f")]
            if not match:
                match = [g for g in full_groups if g[0].words[0].casefold() == word and
                         not any(m.gender == "f" for x in g for m in x.mentions)]
                match = match if len(match) == 1 else []
        if not match:  # Mr. Pelham and Pelham; Mrs. Grote apart from Grote
            match = [g for g in groups if len(g[0].words) == 1 and g[0].key.split("|")[0] == c.key.split("|")[0]
                     and (gender(g) == "f") == (c.gender == "f")]
        if match:
            max(match, key=lambda g: sum(len(x.mentions) for x in g)).append(c)
        else:
            groups.append([c])
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
        if self.kind == "person" and len(words) > 1 and not all(len(bare(w)) == 1 for w in words):
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
    _rescue_surnames(candidates)
    persons = [c for c in candidates.values() if c.kind == "person"]
    entries = []
    for g in group(persons):
        entries.append(_entry("person", g))
    for kind in ("place", "org"):
        for c in candidates.values():
            if c.kind == kind:
                entries.append(_entry(kind, [c]))
    return _finish(entries, registers, source)


def _rescue_surnames(candidates: dict[str, Candidate]) -> None:
    """A word that is the surname of a person's full name names a person (`Mill`, also a noun)."""
    surnames = {surname(c.words) for c in candidates.values() if c.kind == "person" and len(c.words) > 1}
    for c in candidates.values():
        if c.kind is None and len(c.words) == 1 and c.key in surnames and not NOT_NAME_ENDINGS.search(c.words[0]):
            c.kind = "person"


def _entry(kind: str, group_: list[Candidate]) -> Entry:
    forms: dict[str, None] = {}
    for c in group_:
        for m in c.mentions:
            forms[m.form()] = None
    best = max(group_, key=lambda c: (len(c.words), not " ".join(c.words).isupper(), len(c.mentions)))
    return Entry(kind, sorted(forms, key=lambda f: (-len(f), f)), best.words)


def _finish(entries: list[Entry], registers: Registers, source: str) -> list[Entry]:
    """Forms owned once, lines found in the source, ids unique against the registers."""
    known = {f for e in registers.named() for f in e.forms}
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
