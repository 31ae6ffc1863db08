"""Language work for search, done here because the Elasticsearch distribution we run has no
analysis-common module: the same function prepares indexed text and query text, so both sides
always agree (accent folding, elision, stop words, Snowball stemming, French and English)."""

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import Stemmer

Language = Literal["fr", "en"]

# Longest prefix first so "qu'" is not read as "u'".
_ELISION = re.compile(r"\b(?:qu|jusqu|lorsqu|puisqu|l|d|j|m|n|s|t|c)['\u2019](?=\w)", re.IGNORECASE)
_WORD = re.compile(r"[0-9a-z]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

STOP_WORDS: dict[Language, frozenset[str]] = {
    "fr": frozenset(
        [
            "a",
            "au",
            "aux",
            "avec",
            "ce",
            "ces",
            "dans",
            "de",
            "des",
            "du",
            "elle",
            "en",
            "et",
            "eux",
            "il",
            "je",
            "la",
            "le",
            "les",
            "leur",
            "lui",
            "ma",
            "mais",
            "me",
            "meme",
            "mes",
            "moi",
            "mon",
            "ne",
            "nos",
            "notre",
            "nous",
            "on",
            "ou",
            "par",
            "pas",
            "pour",
            "qu",
            "que",
            "qui",
            "sa",
            "se",
            "ses",
            "son",
            "sur",
            "ta",
            "te",
            "tes",
            "toi",
            "ton",
            "tu",
            "un",
            "une",
            "vos",
            "votre",
            "vous",
            "y",
            "est",
            "sont",
        ]
    ),
    "en": frozenset(
        [
            "a",
            "an",
            "and",
            "are",
            "as",
            "at",
            "be",
            "but",
            "by",
            "for",
            "from",
            "if",
            "in",
            "into",
            "is",
            "it",
            "its",
            "of",
            "on",
            "or",
            "such",
            "that",
            "the",
            "their",
            "then",
            "there",
            "these",
            "they",
            "this",
            "to",
            "was",
            "will",
            "with",
        ]
    ),
}
_STEMMER_NAMES: dict[Language, str] = {"fr": "french", "en": "english"}


@lru_cache(maxsize=2)
def _stemmer(language: Language) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


def fold(text: str) -> str:
    """Lowercase, accents removed (NFKD then combining marks dropped), control characters gone."""
    decomposed = unicodedata.normalize("NFKD", _CONTROL.sub(" ", text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss").lower()


def words(text: str) -> list[str]:
    """Folded words with French elisions removed ("l'été" -> "ete")."""
    return _WORD.findall(fold(_ELISION.sub("", text)))


def stems(text: str, language: Language) -> list[str]:
    """Folded, elided, stop words out, stemmed: what the `*_stem` index fields hold."""
    kept = [word for word in words(text) if word not in STOP_WORDS[language]]
    # Stemming the folded form keeps "été" and "ete" on the same stem.
    return _stemmer(language).stemWords(kept)


def analyzed(text: str, language: Language) -> str:
    return " ".join(stems(text, language))


def folded(text: str) -> str:
    return " ".join(words(text))


def completion_words(text: str) -> list[str]:
    """`folded|shown` for each word of three letters or more ("ete|été"): completions match on the
    folded half and show the written one."""
    pairs = set()
    for raw in re.findall(r"\w+", _ELISION.sub("", _CONTROL.sub(" ", text))):
        shown = raw.lower()
        key = fold(shown)
        if len(key) >= 3 and _WORD.fullmatch(key) and key not in STOP_WORDS["fr"] | STOP_WORDS["en"]:
            pairs.add(f"{key}|{shown}")
    return sorted(pairs)
