"""Import and export helpers shared by the apps (one home for them).

- ``files``: checks on an uploaded file before it is parsed, reading it into a table, keeping it between
  preview and confirmation.
- ``widgets``: cell converters (dates in the forms the bureau writes them, names resolved from a map loaded
  once per import, choices by label or code, bounded whole numbers).
- ``resources``: ``PortalModelResource``, the base of every app's resource (headers in the active language,
  export neutralisation, row checks, no per-row lookups).
- ``runner``: ``run_import`` (dry run or real, one transaction, under the importing user) and its outcome.
- ``views``: ``ImportFlow``, ``import_upload``, ``import_confirm``, ``export_response``.
"""
