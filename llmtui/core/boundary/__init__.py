"""The trust boundary: the one way in for text and numbers from outside llmtui, and the one way out.

Everything a file, a remote host, an environment variable, a flag or a keystroke carries enters
through here:

- numbers.py: the one parser for numbers, sizes, context lengths and durations (finite, in a stated
  range, whole where it must be);
- reader.py: the one reader for untrusted files and answers (regular files only, a size cap, a nesting
  cap, UTF-8), and JSON/TOML parsing with those caps;
- text.py: the one sanitizer (C0/C1 control characters and bidi overrides stripped), applied to every
  external string when it enters and, as a last guard, to what the command line prints.

A value that does not pass is an InputError: one sentence naming the field or file and what is wrong.
"""

from __future__ import annotations


class InputError(ValueError):
    """Untrusted input that cannot be used, with where it came from (a flag, a field, a file)."""

    def __init__(self, where: str, message: str) -> None:
        from .text import one_line

        self.where = one_line(where, limit=300)
        self.message = one_line(message, limit=600)
        super().__init__(f"{self.where}: {self.message}" if self.where else self.message)


__all__ = ["InputError"]
