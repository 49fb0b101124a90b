"""llmtui: which open-weight LLM runs on this hardware, and how fast."""

__version__ = "0.1.0"
