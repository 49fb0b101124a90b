"""What llmtui's build computes once so that the very first start need not: the bundled catalogue
parsed and checked (catalog/bundle.py) and the weight sizes of its architectures at the default quant
(estimate/cache.py; the best-quant search fills in the others as before). hatch_build.py calls
write(); each file is used only while its digest still matches the data and code it was made from."""

from __future__ import annotations

from pathlib import Path


def write(data_dir: Path, out_dir: Path) -> tuple[list[Path], list[str]]:
    """Write the pre-parsed files for data_dir into out_dir: the files written, and one sentence each
    on what was done."""
    from .catalog import bundle
    from .estimate import cache
    from .estimate.quant import DEFAULT_QUANT

    written: list[Path] = []
    said = [bundle.write(data_dir, out_dir / bundle.NAME)]
    if (out_dir / bundle.NAME).is_file():
        written.append(out_dir / bundle.NAME)
        parsed = bundle.read_file(out_dir / bundle.NAME, data_dir)
        if parsed is not None:
            n = cache.write_bundle({m.arch for m in parsed.models}, [DEFAULT_QUANT], out_dir / cache.BUNDLE)
            written.append(out_dir / cache.BUNDLE)
            said.append(f"{n} weight sizes stored in {out_dir / cache.BUNDLE}")
    return written, said
