"""Made tests/data/store_before_origin.sqlite with main at d3dddb6 (before statement origins)."""
import sqlite3, sys
from pathlib import Path
from deliberation.config import Settings
from deliberation.importers.tabular import read_statements_file
from deliberation.storage import Store
from deliberation.ratelimit import UNLIMITED

data = Path(sys.argv[1])
csv = data.parent / "before.csv"
csv.write_text("id,text,author\n"
               "1,Plant more trees on Harbour Road,a\n"
               "2,Keep two lanes for cars,b\n"
               "3,Add a bus lane,\n"
               "4,Turn the car park into a market square,\n")
store = Store(Settings(data_dir=data), limits=UNLIMITED)
rep = store.import_bundle(read_statements_file(csv, question="What should Harbour Road become?"), secret="s3cret")
cid = rep.consultation_id
for p, sid, v in [("a", "1", 1), ("b", "1", -1), ("a", "3", 1), ("b", "4", 0)]:
    store.cast_vote(cid, p, sid, v)
store.add_statement(cid, "xid:c", "Widen the pavements for prams and wheelchairs")
store.add_statement(cid, None, "What would make Harbour Road better for children?")
store.add_statement(cid, None, "Common ground: plant more trees.", is_draft=True)
store.engine.dispose()
con = sqlite3.connect(data / "deliberation.sqlite")
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA journal_mode=DELETE")
con.execute("VACUUM")
con.close()
