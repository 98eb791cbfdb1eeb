"""A topic is shown by one number everywhere, counted from 1 (deliberation.wording.topic_number):
a French room's review card read "Ce qui a été dit sur le thème 0", the audit "the draft of topic
0", the command line "0. parking · buses", while a topic without label terms was labelled "Topic
1". The stored ids (0, 1, …; audience keys "topic:0") stay as they are."""

from deliberation.analysis.pipeline import AnalysisResult, summary_text
from deliberation.wording import audience_name, draft_heading, heading_in, topic_number


def test_a_topic_is_numbered_from_one_in_every_language_and_place():
    assert (topic_number(0), topic_number("2"), topic_number("x")) == (1, 3, "x")
    said = {"en": "topic 1", "de": "das Thema 1", "fr": "le thème 1", "es": "el tema 1"}
    assert {lang: audience_name("topic:0", lang=lang) for lang in said} == said
    assert draft_heading("topic:0", split=True) == "Where opinions split on topic 1"
    assert heading_in("fr", "topic:0", "What people said about topic 1") == "Ce qui a été dit sur le thème 1"
    # a labelled topic is named by its label, found under its stored id
    assert audience_name("topic:0", {0: "parking"}) == "the topic “parking”"


def test_the_command_lines_topic_list_counts_from_one():
    topics = {"topics": [{"id": 0, "label": "parking · buses", "n_statements": 4, "n_authors": 3},
                         {"id": 1, "label": "Topic 2", "n_statements": 2, "n_authors": 2}]}
    result = AnalysisResult(n_participants=3, n_statements=6, n_votes=10, groups={}, group_summaries=[], repness={},
                            consensus=[], topics=topics, stats={}, grouping={}, notes=[])
    lines = summary_text(result, {}).splitlines()
    listed = lines[lines.index("Topics (2):") + 1:][:2]
    assert [line.split(" — ")[0] for line in listed] == ["  1. parking · buses", "  2. Topic 2"], listed
