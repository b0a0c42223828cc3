"""The benchmarks behind `make bench` (docs/benchmarks.md).

Each benchmark is a module with `NAME` and `run(context) -> list[Figure]`; bench/__main__.py lists
them. The framework sets up Django on a database of the bench's own (never the demo's), writes
var/bench/<NAME>.json and prints one table.
"""
