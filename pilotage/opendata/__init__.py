"""Open data (DESIGN.md §4.8, §7): the SCDL « subventions » 2.1.1 format, its export and
its import.

`scdl` knows the format (columns, one row's values, the checks a row must pass) and
which files are published; `importing` brings earlier SCDL files of an authority in.
"""
