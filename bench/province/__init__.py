"""A synthetic province for the statistics benchmark (bench/bench_stats_province.py).

``generate.py`` writes the facts of 湖南省 into a migrated PostgreSQL database with COPY,
``cluster.py`` runs the benchmark's own PostgreSQL cluster, ``duck.py`` exports the same facts to
Parquet and computes the catalogue with DuckDB, ``sqlite_slice.py`` copies one county into SQLite.
"""
