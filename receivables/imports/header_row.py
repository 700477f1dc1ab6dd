"""The header row of a table that has title lines above it ("Factures clients",
"Exported on 03/12/2026", a blank line...), as many exports have."""

from ..normalize import norm
from .columns import COLUMNS, DERIVED
from .presets import preset_headers
from .tabular import Table

LOOK_AHEAD = 20  # rows searched for the header under title lines

_KNOWN = (
    {norm(s) for cols in COLUMNS.values() for n, syns in cols.items() for s in [n, *syns]}
    | DERIVED
    | preset_headers()
)


def _score(cells, known: set[str]) -> int:
    return sum(1 for c in cells if c is not None and norm(c) in known)


def _filled(cells) -> int:
    return sum(1 for c in cells if c is not None and str(c).strip())


def promote_header(table: Table, known: set[str] = frozenset()) -> tuple[Table, int]:
    """The table read from its real header row, and how many title lines were skipped.

    The header is the first row naming the most known columns (two at least); failing
    that, the first row of more than one cell under title lines of one cell."""
    known = _KNOWN | set(known)
    candidates = [table.headers, *(cells for _line, cells in table.rows[:LOOK_AHEAD])]
    scores = [_score(cells, known) for cells in candidates]
    best = max(scores)
    if best >= 2:
        index = scores.index(best)
    elif _filled(candidates[0]) <= 1:
        index = next((i for i, c in enumerate(candidates) if _filled(c) > 1), 0)
    else:
        index = 0
    if index == 0:
        return table, 0
    headers = ["" if c is None else str(c).strip() for c in candidates[index]]
    return Table(
        headers, table.rows[index:], table.warnings, header_line=table.rows[index - 1][0]
    ), index
