"""llmtui plan: the cheapest catalogue builds that run a model at a target speed."""

from __future__ import annotations

import argparse
import sys

from . import exitcodes
from .common import catalog, engine_options, fail
from .estimate_cmd import _find_model


def cmd_plan(args: argparse.Namespace) -> int:
    from ..core.estimate import EstimateError
    from ..core.output import (
        PLAN_COLUMNS,
        SERVING_PLAN_COLUMNS,
        markdown_table,
        plain_table,
        plan_cells,
        serving_plan_cells,
        to_json,
    )
    from ..core.plan import cheapest_builds
    from ..core.units import fmt_ctx

    cat = catalog()
    model = _find_model(cat, args.model)
    quant, engine, kv_type = engine_options(args.quant, args.engine, args.kv_quant)
    if args.target_tps < 0:
        fail(f"--target-tps must be 0 or more, got {args.target_tps:g}")
    try:
        plans = cheapest_builds(
            model,
            cat,
            quant=quant,
            ctx=args.ctx,
            target_tps=args.target_tps,
            kv_type=kv_type,
            engine=engine,
            limit=args.limit,
            max_gpus=args.max_gpus,
            users=args.users,
            backend=args.backend or "",
        )
    except EstimateError as e:
        fail(str(e))
    if args.json:
        print(
            to_json(
                [
                    {
                        "build": p.build.describe(),
                        "kind": p.kind,
                        "price_usd": p.price_usd,
                        "price_kind": p.price_kind or None,
                        "hourly_usd": None if p.hourly_usd is None else round(p.hourly_usd, 4),
                        "price_basis": "the cheapest listed purchase price per device in data/hardware, of any "
                        "kind (used, street, launch MSRP; host not counted for GPU builds); hourly: cloud "
                        "on-demand per GPU-hour",
                        "prices": [
                            {"device": g.name, "usd": g.price_usd, "basis": g.price_note or None}
                            for g in dict.fromkeys(p.build.gpus)
                        ],
                        "decode_tps": round(p.estimate.speed.decode_expected, 2) if p.estimate.speed else None,
                        "usd_per_tps": round(p.usd_per_tps, 2) if p.usd_per_tps else None,
                        "memory_bytes": p.estimate.memory.total_bytes,
                        "estimate": p.estimate.to_json(),
                        "serving": None if p.serving is None else p.serving.to_json(),
                    }
                    for p in plans
                ]
            )
        )
    else:
        header = SERVING_PLAN_COLUMNS if args.users else PLAN_COLUMNS
        body = [(serving_plan_cells if args.users else plan_cells)(p) for p in plans]
        who = f"{args.users} users at once, {fmt_ctx(args.ctx)} each, " if args.users else f"{fmt_ctx(args.ctx)} · "
        if not args.markdown:
            print(
                f"# {model.name} · {quant} · {who}{engine} · at least {args.target_tps:g} t/s"
                + (" per user" if args.users else "")
                + ", fully in GPU or unified memory; the cheapest listed price of any kind (GPU builds: host not "
                "counted); hardware sold only to datacentres at its cloud price per hour; unpriced builds last"
            )
        if body:
            sys.stdout.write((markdown_table if args.markdown else plain_table)(header, body))
        else:
            served = f" for {args.users} users at once" if args.users else ""
            print(f"no catalogue build runs {model.name} at {quant} at {args.target_tps:g} t/s{served}")
    return exitcodes.OK if plans else exitcodes.NO_RESULT
