"""Audience keys are parsed and named in one place (deliberation.wording.Audience)."""

from deliberation.wording import Audience, audience_name, audience_of, draft_heading, slate_item


def test_audience_keys_round_trip_and_are_named_in_words():
    cases = {"all": ("everyone", "Common ground"), "all:2": ("everyone", "Common ground 2"),
             "group:0": ("group A", "What group A asks for"), "group:27": ("group AB", "What group AB asks for"),
             "topic:3": ("the topic “parking”", "What people said about the topic “parking”")}
    for key, (name, heading) in cases.items():
        a = Audience.parse(key)
        assert str(a) == key and Audience.parse(a) is a
        assert audience_name(key, {3: "parking"}) == name == a.name({"3": "parking"})
        assert draft_heading(key, topics={"3": "parking"}) == heading
    assert draft_heading("topic:3", split=True) == "Where opinions split on topic 4"  # people count from 1
    assert (audience_of("all:2"), slate_item("all:2"), slate_item("group:2")) == ("all", 2, None)
    assert Audience.group(1) == Audience.parse("group:1") and Audience.parse("group:1").is_group
    assert str(Audience.everyone(3)) == "all:3" and str(Audience.topic(4)) == "topic:4"
    # a key of another shape is kept whole and named as it is
    assert str(Audience.parse("consensus")) == "consensus" == audience_name("consensus")


def test_a_group_name_at_the_start_of_a_line_keeps_its_capital_letter():
    from deliberation.wording import first_upper, group_label

    assert first_upper(group_label(0)) == "Group A"  # not "Group a", as str.capitalize writes
    assert first_upper("") == ""


def test_counts_take_the_plural_except_for_one():
    from deliberation.wording import inflect, plural

    assert [plural(n, "vote") for n in (0, 1, 2)] == ["0 votes", "1 vote", "2 votes"]
    assert plural(3, "person", "people") == "3 people" and plural(1, "person", "people") == "1 person"
    assert inflect(1, "has", "have") == "has" and inflect(0, "has", "have") == "have"


def test_audiences_are_named_in_each_language_from_one_table():
    """The participant page and the board name drafts in the room's language with the words that name
    them in English (deliberation.wording.AUDIENCE_WORDS), and no other table of them."""
    import string

    import pytest

    from deliberation.wording import AUDIENCE_WORDS, heading_in

    fields = {lang: {k: {f for _, f, _, _ in string.Formatter().parse(t) if f} for k, t in w.items()}
              for lang, w in AUDIENCE_WORDS.items()}
    assert all(f == fields["en"] for f in fields.values())  # same ids, same placeholders
    assert audience_name("group:1", lang="de") == "Gruppe B" and audience_name("all", lang="fr") == "tout le monde"
    assert audience_name("topic:3", {3: "parking"}, lang="es") == "el tema «parking»"
    assert draft_heading("all:2", lang="es") == "Terreno común 2"
    assert heading_in("de", "topic:3", "Where opinions split on the topic “parking”") \
        == "Wo die Meinungen beim Thema „parking“ auseinandergehen"
    assert heading_in("fr", "topic:3", "What people said about topic 4") == "Ce qui a été dit sur le thème 4"
    assert heading_in("de", "consensus", "") == "consensus" and heading_in("en", "group:0", "x") == "What group A asks for"
    with pytest.raises(ValueError, match="no words for audiences in 'xx'"):
        audience_name("all", lang="xx")


def test_who_holds_a_position_joins_several_groups_in_the_rooms_language():
    """f31a92f's _retell_field kept a list's " and " in English when none of its items changed ("die
    meisten in den Gruppen A, B and C stimmen zu"); before it, "A and B" was retold as "A und B"."""
    from deliberation.wording import held_by_in, position_phrase

    who = position_phrase([(0, 2, 3), (1, 4, 5), (2, 1, 2)], [(3, 1, 1), (4, 0, 0)])
    assert held_by_in(who, "de") == ("Die meisten in den Gruppen A, B und C stimmen zu (7 von 10, die abgestimmt "
                                     "haben); die einzige Person in den Gruppen D und E, die abgestimmt hat, stimmt nicht zu")
    assert "groupes A, B et C" in held_by_in(who, "fr") and "grupos D y E" in held_by_in(who, "es")
    assert held_by_in(who, "en") == who
    # a text no sentence of ours reads (an error's message, a moderation reason) keeps its own "and"
    from deliberation.words import retell_list

    assert retell_list("statement text is empty; this and that", "de") == "der Text der Aussage ist leer; this and that"
    assert retell_list("Permission denied and the disk is full", "fr") == "Permission denied and the disk is full"


def test_a_statements_own_quote_after_a_colon_is_no_position_on_the_ballot():
    """9424fd5's ballot_text_in took "” and the other says: “" inside a quoted statement for who holds
    the next position and ended the statement's quote at its "Stop": « One sign says “Stop » and …"."""
    from deliberation.wording import ballot_text_in, draft_text, position_phrase, sentence_text

    own = "One sign says “Stop” and the other says: “Go”, which confuses drivers."
    for texts in ([own, "We need more buses."], ["We need more buses.", own], [own]):
        sentences = [{"text": t, "held_by": position_phrase([(i, 2, 3)])} for i, t in enumerate(texts)]
        for lang in ("fr", "de", "es"):
            shown = ballot_text_in(draft_text(sentences), lang)
            assert shown == " ".join(sentence_text(s, lang) for s in sentences), (lang, shown)
            assert own in shown, (lang, shown)
