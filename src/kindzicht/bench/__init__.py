"""Benchmarks (``kindzicht bench …``): national-scale synthetic data, loaded in bulk into a
dedicated database, and timings of the real code against the plain SQL floor.

Bench data is not a service path: it is written with COPY straight into the tables, shaped
like what the services would have written (the models' constraints hold; the database
re-checks them after the load). What is measured always runs through the real code.
"""
