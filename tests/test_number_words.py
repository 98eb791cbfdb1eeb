"""Number words per language in the guard's lexicon (issue 14): the language of a text picks its
table, so a German "Billion" (10^12) is not an English "billion" (10^9), and a German number word is
read as one by the German list itself."""

from deliberation.grounding.entities import _entities
from deliberation.grounding.lexicon import NUMBER_WORDS, number_words
from deliberation.grounding.text import _number_values, _tokenize


def test_einer_million_euro_is_a_number_by_the_german_list_not_a_name():
    text = "Eine Vermögenssteuer soll ab einer Grenze von einer Million Euro eingeführt werden."
    assert number_words("de")["million"] == 1e6  # the German list held only "Millionen"
    assert _entities(text, _tokenize(text), "de") == []
    assert _number_values(text) == {1e6}


def test_a_billion_is_read_in_the_language_of_its_text():
    assert _number_values("Der Staat hat eine Billion Euro Schulden.") == {1e12}
    assert _number_values("Der Staat hat zwei Billionen Euro Schulden.") == {2e12}
    assert _number_values("The state owes a billion dollars.") == {1e9}
    # one table of all languages keeps a word's value in its first language (English first)
    assert NUMBER_WORDS["billion"] == 1e9 and number_words("fr") is NUMBER_WORDS
