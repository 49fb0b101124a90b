"""The leaderboard: a virtual table that draws only the rows on screen (Textual's line API), so
thousands of models filter and scroll without lag. Cells are the same strings the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.leaderboard import Row
from ...core.output import row_cells


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the core sort key
    label: str
    width: int
    align: str = "left"
    priority: int = 0  # lower stays longer on narrow screens
    marks_sort: bool = True  # the header shows the sort arrow (one column per key does)


COLUMNS: tuple[Column, ...] = (
    Column("score", "#", 4, "right", 0),
    Column("name", "Model", 0, "left", 0),
    Column("params", "Params", 10, "right", 2),
    Column("score", "Score", 7, "right", 0),
    Column("adjusted", "Adj", 6, "right", 1),
    Column("memory", "Mem GiB", 8, "right", 0),
    Column("fit", "Fit", 8, "left", 0),
    Column("tps", "t/s", 7, "right", 0),
    Column("best", "Best fit", 8, "left", 1),
    Column("adjusted", "Loss", 6, "right", 1, marks_sort=False),
    Column("ctx", "Ctx", 5, "right", 3),
    Column("license", "License", 12, "left", 4),
    Column("released", "Released", 10, "left", 4),
)
NO_COLOR_FIT = {
    "gpu": Style(bold=True),
    "offload": Style(),
    "cpu": Style(italic=True),
    "none": Style(),
    "pending": Style(),
}
FIT_COL, TPS_COL, BEST_COL = 6, 7, 8  # cells styled by fit, or pending while detection runs
MODEL_MIN = 16


class Leaderboard(ScrollView, can_focus=True):
    """Rows of models; j/k or arrows move, g/G jump, enter opens the detail."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor(1)", "Down", show=False, id="main.down", tooltip="next model"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="main.up", tooltip="previous model"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="main.page_down", tooltip="a page down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="main.page_up", tooltip="a page up"),
        Binding("g,home", "jump(0)", "Top", show=False, id="main.top", tooltip="the first model"),
        Binding("G,end", "jump(-1)", "Bottom", show=False, id="main.bottom", tooltip="the last model"),
        Binding("enter", "select", "Detail", show=False, id="main.select", tooltip="open the model's detail"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "leaderboard--header",
        "leaderboard--cursor",
        "leaderboard--cursor-blurred",
        "leaderboard--gpu",
        "leaderboard--offload",
        "leaderboard--cpu",
        "leaderboard--none",
        "leaderboard--pending",
    }
    DEFAULT_CSS = """
    Leaderboard { height: 1fr; }
    Leaderboard > .leaderboard--header { text-style: bold; background: $panel; }
    Leaderboard > .leaderboard--cursor { background: $accent; color: $text; text-style: bold; }
    Leaderboard > .leaderboard--cursor-blurred { background: $accent 40%; }
    Leaderboard > .leaderboard--gpu { color: $success; text-style: bold; }
    Leaderboard > .leaderboard--offload { color: $warning; }
    Leaderboard > .leaderboard--cpu { color: $secondary; }
    Leaderboard > .leaderboard--none { color: $error; }
    Leaderboard > .leaderboard--pending { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0)

    class Highlighted(Message):
        def __init__(self, row: Row | None) -> None:
            super().__init__()
            self.row = row

    class Selected(Message):
        def __init__(self, row: Row) -> None:
            super().__init__()
            self.row = row

    class SortClicked(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Row] = []
        # Cells are formatted when a row is first drawn, then kept (with the row, so its id stays
        # unique) for the next filter: a keystroke reformats only what comes on screen.
        self._cells: dict[int, tuple[Row, list[str]]] = {}
        self.pending = False  # fits not known yet (detection still running)
        self.sort_key = "score"
        self.sort_descending = True
        self._shown_columns: list[tuple[int, int]] = []  # (column index, width) of shown columns
        self._layout_width = 0  # the width the layout was made for (a scrollbar can take some)
        self._styles: dict[str, Style] = {}

    # --- data -----------------------------------------------------------------------------------

    def set_rows(self, rows: list[Row], *, sort_key: str, descending: bool, pending: bool = False) -> None:
        keep = self.rows[self.cursor].id if self.rows and 0 <= self.cursor < len(self.rows) else None
        self.rows = rows
        if len(self._cells) > 4 * max(1000, len(rows)):
            self._cells.clear()
        self.pending = pending
        self.sort_key, self.sort_descending = sort_key, descending
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        new = 0
        if keep is not None:
            for i, r in enumerate(rows):
                if r.id == keep:
                    new = i
                    break
        self.cursor = min(new, max(0, len(rows) - 1))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    @property
    def current(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def cell_text(self, index: int) -> list[str]:
        """The strings of row `index` as drawn (tests read these)."""
        r = self.rows[index]
        hit = self._cells.get(id(r))
        if hit is None:
            hit = self._cells[id(r)] = (r, row_cells(0, r))
        return [str(index + 1), *hit[1][1:]]

    # --- layout ---------------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._shown_columns = []
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    def _columns(self) -> list[tuple[int, int]]:
        width = max(20, self.scrollable_content_region.width)
        if self._shown_columns and self._layout_width == width:
            return self._shown_columns
        self._layout_width = width
        shown = list(range(len(COLUMNS)))
        while True:
            fixed = sum(COLUMNS[i].width + 1 for i in shown if COLUMNS[i].width)
            if width - fixed >= MODEL_MIN or len(shown) <= 4:
                break
            drop = max(
                (i for i in shown if COLUMNS[i].priority > 0), key=lambda i: (COLUMNS[i].priority, i), default=None
            )
            if drop is None:
                break
            shown.remove(drop)
        fixed = sum(COLUMNS[i].width + 1 for i in shown if COLUMNS[i].width)
        self._shown_columns = [(i, COLUMNS[i].width or max(MODEL_MIN, width - fixed - 1)) for i in shown]
        return self._shown_columns

    # --- drawing ----------------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        """A component style, looked up once per style change (render_line runs for every line)."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = (
                self.rich_style if name == "base" else self.get_component_rich_style(f"leaderboard--{name}")
            )
        return style

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def _fit_style(self, text: str) -> Style:
        name = {"GPU": "gpu", "GPU+CPU": "offload", "CPU only": "cpu", "no": "none"}.get(text, "pending")
        if self.app.no_color:
            # NO_COLOR: Textual turns each colour into a grey, and $error or $secondary become dark grey
            # on black. The fit's word says it all; weight and slant tell the groups apart, in the
            # terminal's own foreground.
            return NO_COLOR_FIT[name]
        return self._style(name)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        cols = self._columns()
        if y == 0:
            style = self._style("header")
            head: list[Segment] = []
            for i, w in cols:
                c = COLUMNS[i]
                label = c.label
                if c.key == self.sort_key and i != 0 and c.marks_sort:
                    label += " ▼" if self.sort_descending else " ▲"
                head.append(Segment(_fit(label, w, c.align) + " ", style))
            return Strip(head).adjust_cell_length(width, style)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self._style("base"))
        cells = self.cell_text(index)
        base = self._style("base")
        if index == self.cursor:
            base = base + self._style("cursor" if self.has_focus else "cursor-blurred")
        segs: list[Segment] = []
        run: list[str] = []  # cells that share the base style go out as one segment
        for i, w in cols:
            text = cells[i]
            if i in (FIT_COL, BEST_COL):
                if self.pending:
                    text = "…"
                if index != self.cursor:
                    if run:
                        segs.append(Segment("".join(run), base))
                        run = []
                    segs.append(Segment(_fit(text, w, COLUMNS[i].align) + " ", base + self._fit_style(text)))
                    continue
            elif i == TPS_COL and self.pending:
                text = "…"
            run.append(_fit(text, w, COLUMNS[i].align) + " ")
        if run:
            segs.append(Segment("".join(run), base))
        return Strip(segs).adjust_cell_length(width, base)

    # --- movement ------------------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        if old != new:
            self.post_message(self.Highlighted(self.current))

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 2))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 0
            for i, w in self._columns():
                if x <= offset.x < x + w + 1:
                    self.post_message(self.SortClicked(COLUMNS[i].key))
                    return
                x += w + 1
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor and event.chain == 2:
                self.action_select()
            self.cursor = index

    def on_focus(self) -> None:
        self._styles.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._styles.clear()
        self.refresh()


def _fit(text: str, width: int, align: str) -> str:
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.rjust(width) if align == "right" else text.ljust(width)
