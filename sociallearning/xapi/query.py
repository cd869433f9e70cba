"""Recent-search queries: a practical subset of the X API v2 query language.

Supported: keywords (whole words, any case), "exact phrases", #hashtag, @mention,
from:user, to:user, is:retweet, is:reply, is:quote, lang:xx, a space for AND, OR,
a leading - for NOT, and parentheses. As on X, AND binds tighter than OR
("a OR b c" means "a OR (b c)"), and is:/lang: need at least one other positive term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SUPPORTED = (
    'keywords, "exact phrases", #hashtag, @mention, from:, to:, is:retweet, is:reply, '
    "is:quote, lang:, OR, a leading - for NOT, and parentheses"
)
STANDALONE_OPERATORS = {"from", "to"}
CONJUNCTION_OPERATORS = {"is", "lang"}
IS_VALUES = {"retweet": "retweeted", "reply": "replied_to", "quote": "quoted"}
WORD = re.compile(r"[#@$]?\w+(?:['’]\w+)*")


class QueryError(ValueError):
    """The query cannot be used; `position` is 1-based, like the API's messages."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at position {position})")
        self.position = position


@dataclass(frozen=True)
class Term:
    kind: str  # keyword, phrase, hashtag, mention, from, to, is, lang
    value: str | tuple
    position: int


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class AllOf:
    nodes: tuple


@dataclass(frozen=True)
class AnyOf:
    nodes: tuple


@dataclass
class TweetFacts:
    """What the query language can see of one tweet, normalised for matching."""

    words: list[str]
    hashtags: set[str]
    mentions: set[str]
    author_username: str
    author_id: str
    reply_to_username: str | None
    reply_to_id: str | None
    reference_types: set[str] = field(default_factory=set)
    lang: str | None = None


def words_of(text: str) -> list[str]:
    """Lower-case word tokens; #hashtags and @mentions stay distinct from plain words."""
    return WORD.findall(text.lower())


def parse(text: str) -> object:
    """The query as a tree of Term/Not/AllOf/AnyOf; raises QueryError saying what is wrong."""
    tokens = list(_tokens(text))
    if not tokens:
        raise QueryError("The query is empty: give at least one keyword or operator", 1)
    parser = _Parser(tokens, len(text))
    tree = parser.any_of()
    if parser.peek() is not None:
        kind, _, position = parser.peek()
        raise QueryError(f"Unexpected '{')' if kind == 'close' else 'OR'}' here", position)
    _check_standalone(tree)
    return tree


def matches(tree, facts: TweetFacts) -> bool:
    if isinstance(tree, Term):
        return _term_matches(tree, facts)
    if isinstance(tree, Not):
        return not matches(tree.node, facts)
    if isinstance(tree, AllOf):
        return all(matches(node, facts) for node in tree.nodes)
    return any(matches(node, facts) for node in tree.nodes)


def _term_matches(term: Term, facts: TweetFacts) -> bool:
    value = term.value
    if term.kind == "keyword" or term.kind == "phrase":
        return _contains_run(facts.words, value)
    if term.kind == "hashtag":
        return value in facts.hashtags
    if term.kind == "mention":
        return value in facts.mentions
    if term.kind == "from":
        return value in (facts.author_username, facts.author_id)
    if term.kind == "to":
        return value in (facts.reply_to_username, facts.reply_to_id)
    if term.kind == "is":
        return IS_VALUES[value] in facts.reference_types
    return facts.lang == value  # lang


def _contains_run(words: list[str], run: tuple) -> bool:
    width = len(run)
    return any(tuple(words[i : i + width]) == run for i in range(len(words) - width + 1))


def _tokens(text: str):
    """(kind, value, position) with kinds open, close, or, not, term."""
    i = 0
    while i < len(text):
        char = text[i]
        position = i + 1
        if char.isspace():
            i += 1
        elif char == "(":
            yield "open", None, position
            i += 1
        elif char == ")":
            yield "close", None, position
            i += 1
        elif char == "-" and i + 1 < len(text) and not text[i + 1].isspace():
            yield "not", None, position
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("Missing closing quote for the phrase", position)
            run = tuple(words_of(text[i + 1 : end]))
            if not run:
                raise QueryError("The quoted phrase has no words", position)
            yield "term", Term("phrase", run, position), position
            i = end + 1
        else:
            end = i
            while end < len(text) and not text[end].isspace() and text[end] not in '()"':
                end += 1
            raw = text[i:end]
            if raw == "OR":
                yield "or", None, position
            else:
                yield "term", _term(raw, position), position
            i = end


def _term(raw: str, position: int) -> Term:
    if raw.startswith("#") and len(raw) > 1:
        return Term("hashtag", raw[1:].lower(), position)
    if raw.startswith("@") and len(raw) > 1:
        return Term("mention", raw[1:].lower(), position)
    name, colon, value = raw.partition(":")
    if colon and re.fullmatch(r"[A-Za-z_]+", name):
        return _operator(name.lower(), value, raw, position)
    run = tuple(words_of(raw))
    if not run:
        raise QueryError(f"'{raw}' has no letters or digits to search for", position)
    return Term("keyword", run, position)


def _operator(name: str, value: str, raw: str, position: int) -> Term:
    if name not in STANDALONE_OPERATORS | CONJUNCTION_OPERATORS:
        raise QueryError(
            f"Reference to invalid operator '{name}'. The offline sample API supports {SUPPORTED}",
            position,
        )
    if not value:
        raise QueryError(f"The operator '{name}:' needs a value, e.g. {name}:example", position)
    if name == "is" and value.lower() not in IS_VALUES:
        raise QueryError(
            f"Reference to invalid operator '{raw}'. The is: operators are "
            + ", ".join(f"is:{v}" for v in IS_VALUES),
            position,
        )
    return Term(name, value.lstrip("@").lower(), position)


class _Parser:
    def __init__(self, tokens: list, length: int):
        self.tokens = tokens
        self.index = 0
        self.length = length

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.index += 1
        return token

    def any_of(self):
        nodes = [self.all_of()]
        while self.peek() is not None and self.peek()[0] == "or":
            self.take()
            nodes.append(self.all_of())
        return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))

    def all_of(self):
        nodes = []
        while self.peek() is not None and self.peek()[0] not in ("or", "close"):
            nodes.append(self.one())
        if not nodes:
            token = self.peek()
            position = token[2] if token else self.length + 1
            raise QueryError("Expected a search term here", position)
        return nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))

    def one(self):
        kind, value, position = self.take()
        if kind == "not":
            if self.peek() is None or self.peek()[0] in ("or", "close", "not"):
                raise QueryError("Expected a term or group after '-'", position)
            return Not(self.one())
        if kind == "open":
            inner = self.any_of()
            closing = self.take()
            if closing is None or closing[0] != "close":
                raise QueryError("Missing closing parenthesis", position)
            return inner
        return value  # a Term


def _check_standalone(tree) -> None:
    """As on X: is:/lang: and negations cannot make up a query on their own."""
    terms = list(_positive_terms(tree, negated=False))
    if any(term.kind not in CONJUNCTION_OPERATORS for term in terms):
        return
    if terms:
        raise QueryError(
            "is/lang cannot be used as a standalone operator: add a keyword, #hashtag, "
            "@mention, from: or to:",
            terms[0].position,
        )
    raise QueryError("The query must contain a term that is not negated", 1)


def _positive_terms(tree, negated: bool):
    if isinstance(tree, Term):
        if not negated:
            yield tree
    elif isinstance(tree, Not):
        yield from _positive_terms(tree.node, not negated)
    else:
        for node in tree.nodes:
            yield from _positive_terms(node, negated)
