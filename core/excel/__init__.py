"""The one Excel engine: sheet declarations by plugins, import and export by the core.

    spec.py      SheetSpec, Column, Kind, RowRule: what plugins declare (re-exported by plugin_api)
    safety.py    refuse unsafe or unsupported files before any parser sees them (zip bombs, macros, DTDs, ...)
    reader.py    python-calamine: choose the sheet, match the header leniently, stream the rows
    cells.py     one cell: raw value -> typed value, or the reason (in the reader's language)
    validate.py  every cell and row: required, rules, duplicates, per-row authorization (authz.may)
    diff.py      new / changed / unchanged against the database, and the fingerprint for the re-check
    stage.py     staged imports in the database (models.py): preview or errors, per user, expiring
    store.py     SQLAlchemy Core bulk insert/update with bulk audit entries (audit.bulk.record_rows)
    export.py    xlsxwriter exports and templates: formats, drop-downs, Toelichting, schema version
    marked.py    openpyxl: the uploaded workbook handed back with wrong cells marked and commented
    engine.py    the entry points shared by views.py (web pages), core/cli.py and benchmarks/excel.py
"""
