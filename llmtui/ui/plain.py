"""Text from data goes on screen as plain text, never as markup: a model called "[/]" or
"[@click=app.quit]" is shown as those characters, not parsed (a MarkupError would end the app, a
click target would run an action). Widgets that show data are built with markup=False; Rich tables
get Text cells from here."""

from __future__ import annotations

from rich.text import Text


def plain(value: object, style: str = "") -> Text:
    return Text(str(value), style=style)


def plain_cells(*values: object) -> list[Text]:
    return [v if isinstance(v, Text) else Text(str(v)) for v in values]
