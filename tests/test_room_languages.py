"""A room in French and a room in Spanish, as a town hall would hold them: the moderator imports
the statements with their votes by the CLI (the statements of tests/data/multilingual plus what
real rooms bring: a phone number and an e-mail address, a home address, an insult, an instruction
to the model), runs the facilitation graph to the review, approves, and participants see the
drafts. Before, in French and Spanish:

1. the insult ("Le maire est un connard", "El alcalde es un imbécil") went to the vote and into a
   group's draft: only English, German and Chinese had abusive words; French and Spanish have
   theirs now (deliberation/safety/data/{fr,es}.toml);
2. the home address ("12 rue de la Paix", "calle Mayor 12") and the Spanish mobile number after
   "Llámame al" were stored and drafted as written: their street and phone words are there now;
3. the statements held for the moderator made a topic of their own, labelled on the live board
   with their words, which the coverage audit sent back to drafting until its rounds ran out
   ("Not passed: topic 4 has no draft"): topics are found among the statements participants see;
4. topic labels led with words of opinion ("devraient · gratuits · publics", "debería · público ·
   años"): each language's ``extra_stop_words`` (deliberation/text/data/{fr,es}.toml);
5. the Spanish instruction was held "(Spanish / Chinese)": one reason per language.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from conftest import REPO, run_cli

TRANSLATIONS = REPO / "tests" / "data" / "multilingual" / "translations.jsonl"
QUESTION = {"fr": "Comment améliorer les transports et le logement dans notre ville ?",
            "es": "¿Cómo mejorar el transporte y la vivienda en nuestra ciudad?"}
#: what a real room brings besides its statements: (text, what must not be stored, why it is held)
HELD = {lang: [(h["text"], h["not_stored"], h["why"]) for h in rows] for lang, rows in
        json.loads(TRANSLATIONS.with_name("held.json").read_text(encoding="utf-8")).items()}
PEOPLE = 24


def _room_file(folder, lang: str):
    """The room as JSON Lines: every statement with the votes of two camps (seeded), authors in turn."""
    texts = [json.loads(line)[lang] for line in TRANSLATIONS.read_text(encoding="utf-8").splitlines()]
    texts += [t for t, _, _ in HELD[lang]]
    rng = random.Random(0)
    rows = []
    for k, text in enumerate(texts):
        votes = {}
        for p in range(PEOPLE):
            if rng.random() < 0.8:
                lean = 0.8 if k % 3 == 0 or k % 2 == p % 2 else 0.2
                votes[f"p{p}"] = "agree" if rng.random() < lean else rng.choice(["disagree", "pass"])
        rows.append({"id": str(k), "text": text, "author": f"p{k % PEOPLE}", "votes": votes})
    path = folder / f"{lang}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["fr", "es"])
def room(request, tmp_path_factory):
    from deliberation.config import Settings
    from deliberation.storage import Store

    lang = request.param
    base = tmp_path_factory.mktemp(f"room-{lang}")
    data = base / "data"
    run_cli(data, "import-statements", str(_room_file(base, lang)), "--question", QUESTION[lang])
    run = run_cli(data, "run", "1")
    settings = Settings(data_dir=data)
    return {"lang": lang, "data": data, "settings": settings, "store": Store(settings), "run": run.stdout + run.stderr}


def test_insults_personal_data_and_instructions_wait_for_the_moderator(room):
    statements = room["store"].statements(1)
    stored = " ".join(s.text for s in statements)
    held = [s for s in statements if s.moderation.value == "needs_review"]
    assert len(held) == len(HELD[room["lang"]]), [(s.text, s.moderation_reason) for s in held]
    for (text, secret_parts, why), s in zip(HELD[room["lang"]], sorted(held, key=lambda s: int(s.external_id))):
        assert why in s.moderation_reason, (text, s.moderation_reason)
        assert not [p for p in secret_parts if p in stored], (text, s.text)


def test_topics_and_drafts_hold_only_what_participants_see(room):
    from deliberation.text import stop_words
    from graphs import runner

    values = runner.status(room["settings"], 1).values
    public = {s.external_id for s in room["store"].statements(1) if s.is_public}
    topics = values["analysis"]["topics"]["topics"]
    assert topics and all(set(t["statement_ids"]) <= public for t in topics), topics
    assert "has no draft" not in room["run"] and "audit: Passed" in room["run"], room["run"]
    cited = {c for d in values["drafts"] for c in d["sources"]}
    assert cited <= public, cited - public
    # labels are words of the room's subjects, none of the language's stop or opinion words
    words = {w for t in topics for w in re.split(r"\s*·\s*", t["label"].split(" (")[0])}
    assert not words & stop_words(room["lang"]), words & stop_words(room["lang"])
