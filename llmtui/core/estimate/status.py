"""The fit an estimate ends in (best first by STATUS_ORDER) and the estimator's one error."""

from __future__ import annotations

STATUS_ORDER = {"gpu": 3, "gpu+cpu": 2, "cpu": 1, "none": 0}


class EstimateError(ValueError):
    """An estimate that cannot be made as asked (a quant the engine does not run, say)."""
