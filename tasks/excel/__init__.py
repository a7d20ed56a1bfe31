"""Excel round-trip of the breakdown table (目标任务分解表): reading, cell parsing, the import plan
and the exporters. Nothing here writes to the database: saving goes through
``tasks.services.imports.import_breakdown``.
"""
