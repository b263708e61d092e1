"""The one import framework: an importer declares its columns, a row handler and a writer
(framework.py); each import is kept with who, when, the file's SHA-256, counts and its
report (records.py) and listed on the history page (views.py); the command line (command.py)
and the upload pages (uploads.py) start imports the same way for every importer.

Nothing is re-exported here: accounts.models imports records.py while Django loads models,
before the framework's own imports of accounts.models could run.
"""
