"""The Textual UI. Only this package imports textual; it calls llmtui.core for every figure."""
