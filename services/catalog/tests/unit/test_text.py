"""The language work the index and the queries share."""

import pytest

from catalog.domain.text import analyzed, completion_words, folded, stems, words


def test_accents_are_folded_and_elisions_removed() -> None:
    assert words("Robe d'été en lin") == ["robe", "ete", "en", "lin"]
    assert words("L\u2019ÉLÉGANCE qu'il œuvre") == ["elegance", "il", "oeuvre"]


@pytest.mark.parametrize(
    ("a", "b", "language"),
    [
        ("chaussure", "chaussures", "fr"),
        ("été", "ete", "fr"),
        ("légère", "légères", "fr"),
        ("shoe", "shoes", "en"),
        ("running", "run", "en"),
        ("dresses", "dress", "en"),
    ],
)
def test_inflections_share_a_stem(a: str, b: str, language: str) -> None:
    assert stems(a, language) == stems(b, language)  # type: ignore[arg-type]


def test_stop_words_go_and_hostile_text_is_harmless() -> None:
    assert analyzed("les chaussures de la course", "fr") == "chaussur cours"
    assert folded("\x00robe\x1b[31m 👗 \u202e") == "robe 31m"
    assert folded("فستان") == ""
    assert stems("", "en") == []


def test_completion_words_pair_the_folded_and_the_written_word() -> None:
    assert completion_words("Robe d'été en lin") == ["ete|été", "lin|lin", "robe|robe"]
