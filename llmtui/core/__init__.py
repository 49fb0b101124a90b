"""The headless core: catalogue, detection, estimator, planner, profiles, output.

Nothing under llmtui.core may import textual (tests/unit/test_import_hygiene.py checks it).
"""
