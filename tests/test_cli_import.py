"""Imports from the command line as a moderator types them: the same folder under another
spelling of its path, and files from the wild."""

from __future__ import annotations

import zipfile

from deliberation.config import Settings
from deliberation.importers.polis import read_polis_export
from deliberation.services import ensure_consultation
from deliberation.storage import Store
from test_bad_input import GOOD_COMMENTS, GOOD_VOTES, polis_folder, run_import_polis
from test_cli_output import invoke


def test_run_finds_the_folder_import_polis_stored(tmp_path):
    """`import-polis LINK` then `run FOLDER` (or a relative path): one consultation, not a second
    import with another code and secret (the source was stored as typed, looked up resolved)."""
    data = tmp_path / "data"
    folder = polis_folder(tmp_path, GOOD_COMMENTS, GOOD_VOTES)
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert invoke(data, "import-polis", str(link), "--no-embed").exit_code == 0
    settings = Settings(data_dir=data)
    assert ensure_consultation(settings, str(folder)) == 1
    assert len(Store(settings).list_consultations()) == 1
    res = invoke(data, "import-polis", str(folder), "--no-embed")  # again, on purpose
    assert res.exit_code == 0 and "this folder was imported before, as consultation 1" in res.output
    assert ensure_consultation(settings, str(link)) == 2  # the newest


def test_a_zip_of_an_export_imports_as_its_folder(tmp_path):
    """Polis's download and the report page's "Polis export" are zips: read at the top or in one
    folder; an error inside names the zip, the file in it and the row; nothing is stored."""
    folder = polis_folder(tmp_path, GOOD_COMMENTS, GOOD_VOTES)
    (folder / "summary.csv").write_text("topic,Harbour Road\n")
    top, nested = tmp_path / "top.zip", tmp_path / "nested.zip"
    with zipfile.ZipFile(top, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    with zipfile.ZipFile(nested, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"polis-export-1/{f.name}")
        z.writestr("__MACOSX/polis-export-1/._comments.csv", "junk")
    data = tmp_path / "data"
    for zipped in (top, nested):
        res = invoke(data, "import-polis", str(zipped), "--no-embed")
        assert res.exit_code == 0 and "2 statements, 2 participants, 2 votes" in res.output, res.output
    assert [c.question for c in Store(Settings(data_dir=data)).list_consultations()] == ["Harbour Road"] * 2

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("x/comments.csv", GOOD_COMMENTS)
        z.writestr("x/votes.csv", GOOD_VOTES + "1700000004000,x,1,3,2\n")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(top.read_bytes()[:200])
    for zipped, problem in ((bad, f"{bad}/x/votes.csv, row 4: vote value '2'"),
                            (cut, f"{cut}: is not a readable zip file")):
        res, stored = run_import_polis(tmp_path / zipped.stem, zipped)
        assert res.exit_code == 2 and problem in res.output.replace("\n", ""), res.output
        assert stored == []


def test_participants_are_counted_alike_by_import_summary_and_consultations(tmp_path):
    """The import line said 5 participants where `consultations` and `analyze` said 2; since the
    console and the live board count everyone who voted or wrote a statement (a room whose six had
    written and not voted showed 0), `consultations` said the voters where the console said everyone:
    both now say the console's figure (Store.participant_count), `summary` with the voters beside it."""
    statements = tmp_path / "st.csv"
    statements.write_text("id,text,author\na,Buses should run every ten minutes.,p1\n"
                          "b,Bike lanes make the street safer.,p2\nc,Parking is too expensive downtown.,p3\n")
    votes = tmp_path / "votes.csv"
    votes.write_text("participant,statement,vote\nv1,a,1\nv1,b,-1\nv2,a,1\nv2,c,-1\n")
    data = tmp_path / "data"
    res = invoke(data, "import-statements", str(statements), "--votes", str(votes), "--question", "Q", "--no-embed")
    # as the console's import says it: "0 participants with votes (and 34 without a vote, e.g. authors: 34 in
    # all)" began with the 0 of an export without votes where the console said "34 participants (0 of them voted)"
    assert "3 statements, 5 participants (2 of them voted), 4 votes" in res.output.replace("\n", ""), res.output
    assert "Participants: 5 (2 of them voted)\n" in invoke(data, "summary", "1").output
    row = [line for line in invoke(data, "consultations").output.splitlines() if line.startswith("│ 1")][0]
    assert [c.strip() for c in row.strip("│").split("│")][5:7] == ["5", "4"]  # participants, votes
    store = Store(Settings(data_dir=data))
    assert store.participant_count(1) == 5  # the console's "Participants"
    # the report said "2 participants cast 4 votes on 3 statements." where the console said 5
    from deliberation.report import build_report, participation_line

    rep = build_report({"analysis": {}}, store.statements(1), store.counts(1))
    assert participation_line(rep["participation"]) == "2 of the 5 participants cast 4 votes on 3 statements."
    assert participation_line(rep["participation"], "de") == "2 der 5 Teilnehmenden gaben 4 Stimmen zu 3 Aussagen ab."
    folder = polis_folder(tmp_path, GOOD_COMMENTS + "1700000002000,x,2,9,0,0,0,Author 9 never votes\n", GOOD_VOTES)
    assert "Participants: 3 (2 of them voted)\n" in invoke(data, "summary", str(folder)).output


def test_ctrl_c_says_what_was_kept(tmp_path, monkeypatch):
    """Ctrl-C ended an import or a graph run silently (exit 130): one line now says that an import
    stored nothing and that a run keeps its completed steps, with the command to continue."""
    import deliberation.cli as domain_cli
    from graphs.cli import _kept

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(domain_cli, "import_bundle", interrupted)
    data = tmp_path / "data"
    res = invoke(data, "import-polis", str(polis_folder(tmp_path, GOOD_COMMENTS, GOOD_VOTES)), "--no-embed")
    assert res.exit_code == 130 and "interrupted: nothing was imported" in res.output, res.output
    assert Store(Settings(data_dir=data)).list_consultations() == []
    assert _kept([4]) == "the steps completed so far are kept; continue with: deliberation resume 4"


def test_files_as_excel_and_interrupted_copies_write_them(tmp_path):
    """Semicolons (Excel where the decimal mark is a comma), tabs (.tsv, Excel's UTF-16 "Unicode
    text") are read; a file without a final line break imports with a note that it may be cut short."""
    rows = [["id", "text", "author"], ["a", "Buses; every ten minutes.", "p1"], ["b", "Bike lanes, safer streets.", "p2"]]
    semi = tmp_path / "semi.csv"
    semi.write_text("\n".join(";".join(f'"{c}"' if ";" in c else c for c in r) for r in rows) + "\n")
    tsv = tmp_path / "tabs.tsv"
    tsv.write_text("\n".join("\t".join(r) for r in rows) + "\n")
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_bytes(("\r\n".join("\t".join(r) for r in rows) + "\r\n").encode("utf-16"))
    data = tmp_path / "data"
    for path in (semi, tsv, unicode_text):
        res = invoke(data, "import-statements", str(path), "--question", "Q", "--no-embed")
        assert res.exit_code == 0 and "2 statements" in res.output, (path, res.output)
    texts = {s.text for c in Store(Settings(data_dir=data)).list_consultations()
             for s in Store(Settings(data_dir=data)).statements(c.id)}
    assert texts == {"Buses; every ten minutes.", "Bike lanes, safer streets."}

    folder = polis_folder(tmp_path, GOOD_COMMENTS.replace(",", ";").rstrip("\n"), GOOD_VOTES)
    res = invoke(data, "import-polis", str(folder), "--no-embed")
    assert res.exit_code == 0 and "2 statements" in res.output, res.output
    assert "comments.csv does not end with a line break, so it may have been cut short" in res.output


def test_summary_counts_published_drafts_apart_and_says_why_a_folder_has_no_votes(tmp_path):
    """`summary ID` counted the graph's published drafts as "unmoderated" statements (Canadian
    electoral reform: 187 with 13 unmoderated, against 174 in the export); `summary FOLDER` showed
    0 votes without the import's note saying why."""
    data = tmp_path / "data"
    folder = polis_folder(tmp_path, GOOD_COMMENTS, None)
    assert invoke(data, "import-polis", str(folder), "--no-embed").exit_code == 0
    Store(Settings(data_dir=data)).add_statement(1, None, "Common ground: keep the market.", is_draft=True)
    res = invoke(data, "summary", "1")
    # the statuses in a moderator's words ("unmoderated" read as "nobody checked it")
    assert ("Statements: 2 (1 accepted by a moderator; 1 not reviewed by a moderator yet, shown to participants "
            "(passed the automatic intake check)) and 1 published draft\n") in res.output, res.output
    row = [line for line in invoke(data, "consultations").output.splitlines() if line.startswith("│ 1")][0]
    assert [c.strip() for c in row.strip("│").split("│")][3:5] == ["2", "1"]  # statements, drafts
    res = invoke(data, "summary", str(folder))
    assert "Note: No votes.csv and no participants-votes.csv" in res.output, res.output


def test_ids_written_as_floats_by_pandas_are_read(tmp_path):
    """comments.csv loaded and saved back with pandas: author-id with an empty cell becomes 215.0;
    the vote files accepted such ids, comments.csv refused the export ("author-id '215.0' is not
    an integer id")."""
    comments = GOOD_COMMENTS.replace(",0,1,1,0,1,", ",0,1.0,1,0,1,").replace(",1,2,0,1,0,", ",1,,0,1,0,")
    bundle = read_polis_export(polis_folder(tmp_path, comments, GOOD_VOTES))
    assert [(s.external_id, s.author) for s in bundle.statements] == [("0", "1"), ("1", None)]


def test_a_json_file_holding_a_list_of_statements_imports(tmp_path):
    """A .json export holding one list of statement objects was refused as 'row 1: not valid JSON'."""
    path = tmp_path / "statements.json"
    path.write_text('[\n {"id": "a", "text": "Buses should run every ten minutes.", "votes": {"v1": "agree"}},\n'
                    ' {"id": "b", "text": "Bike lanes make the street safer."}\n]\n')
    res = invoke(tmp_path / "data", "import-statements", str(path), "--question", "Q", "--no-embed")
    assert res.exit_code == 0 and "2 statements, 1 participant, 1 vote" in res.output, res.output
    path.write_text('[{"id": "a", "text": "Buses."}, {"id": "a", "text": "Again."}]')
    res = invoke(tmp_path / "data2", "import-statements", str(path), "--question", "Q", "--no-embed")
    assert res.exit_code == 2 and "row 2: duplicate statement id 'a' (first on row 1)" in res.output, res.output


def test_run_of_a_new_folder_prints_the_moderator_secret(tmp_path, monkeypatch):
    """`deliberation run FOLDER` imports a folder not stored yet: it must print the join code and the
    moderator secret, as import-polis does (found running a room with the LLM drafter: `run FOLDER`
    printed neither, and only the secret's hash is stored, so nobody could open that room's console).
    Its import keeps Lingua's models, however many new texts it sent (here the release threshold is
    0): the run's guard reads the statements' sentences next and would load them again (its cost:
    docs/bench_before_after.md, fifteenth stop; an import alone releases them: tests/test_text.py)."""
    import re

    from deliberation.text import languages
    from test_bad_input import GOOD_COMMENTS as comments

    monkeypatch.setattr(languages, "RELEASE_AFTER", 0)
    before = languages.detector_state()
    data = tmp_path / "data"
    folder = polis_folder(tmp_path, comments + "".join(
        f"170000000{k}000,x,{k},{k},1,0,1,Statement number {k} about the harbour\n" for k in range(2, 8)), GOOD_VOTES)
    res = invoke(data, "run", str(folder))
    after = languages.detector_state()
    assert after.texts_detected > before.texts_detected and after.releases == before.releases, (before, after)
    code = re.search(r"Imported into consultation 1 \(join code (\w+)\)", res.output)
    secret = re.search(r"\nModerator secret \(shown once, keep it\): (\S+)", res.output)
    assert code and secret, res.output
    Store(Settings(data_dir=data)).require_moderator(1, secret.group(1))  # the printed secret opens the console
    assert code.group(1) == Store(Settings(data_dir=data)).get_consultation(1).code
