"""Reads back what one ingest run wrote (outside the timing): the row count and the column types, so
the table compares tools that did the same work. Usage: python check_output.py FILE.parquet ROWS
Prints 'rows=<n> <col>:<arrow type>,...'; exit 1 when the rows differ from ROWS or a column is missing."""
import sys

import pyarrow.parquet as pq

path, want = sys.argv[1], int(float(sys.argv[2]))
md = pq.read_metadata(path)
schema = pq.read_schema(path)
types = ",".join(f"{f.name}:{f.type}" for f in schema)
print(f"rows={md.num_rows} {types}")
missing = {"id", "a", "b", "c", "d", "e", "colour", "label"} - set(schema.names)
if md.num_rows != want or missing:
    sys.exit(f"{path}: {md.num_rows} rows (expected {want}), missing columns {sorted(missing)}")
