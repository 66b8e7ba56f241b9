"""The peers of Kiln's ingest in bench/data/run.sh: read the CSV, type its columns, write one Parquet
file (zstd, as Kiln's datasets), in the way each library's documentation shows. Only the library used
is imported, so each process pays its own start-up and nothing else.
Usage: python peer_ingest.py pandas|polars|polars-stream|duckdb IN.csv OUT.parquet"""
import sys

tool, src, dst = sys.argv[1:4]
if tool == "pandas":
    import pandas as pd  # pyarrow writes the Parquet

    pd.read_csv(src).to_parquet(dst, compression="zstd", index=False)
elif tool == "polars":
    import polars as pl

    pl.read_csv(src).write_parquet(dst, compression="zstd")
elif tool == "polars-stream":  # lazy: the CSV is never a whole DataFrame in memory
    import polars as pl

    pl.scan_csv(src).sink_parquet(dst, compression="zstd")
elif tool == "duckdb":
    import duckdb

    con = duckdb.connect()
    con.execute("COPY (SELECT * FROM read_csv(?)) TO '" + dst.replace("'", "''") + "' (FORMAT parquet, COMPRESSION zstd)", [src])
else:
    sys.exit(f"peer_ingest.py: unknown tool {tool!r}; expected pandas, polars, polars-stream or duckdb")
