"""llmtui models, llmtui hardware, llmtui paths."""

from __future__ import annotations

import argparse
import sys

from . import exitcodes
from .common import catalog, engine_options, fail, resolve_build


def cmd_models(args: argparse.Namespace) -> int:
    from ..core.leaderboard import (
        SERVING_USERS,
        SORT_KEYS,
        benchmarks,
        default_benchmark,
        resolve_benchmark,
        rows,
        sort_rows,
    )
    from ..core.output import rows_csv, rows_json, rows_table
    from ..core.query import QueryError, parse_query

    cat = catalog()
    quant, engine, kv_type = engine_options(args.quant, args.engine, args.kv_quant)
    if args.sort not in SORT_KEYS:
        fail(f"unknown sort key '{args.sort}' (use one of {', '.join(SORT_KEYS)})")
    bench = default_benchmark(cat)
    if args.score:
        bench = resolve_benchmark(cat, args.score)  # a bare name: its most reported version
        if bench not in benchmarks(cat):
            fail(f"no model has a '{args.score}' score (known: {', '.join(benchmarks(cat)[:12])}, ...)")
    try:
        query = parse_query(" ".join(args.query))
    except QueryError as e:
        fail(str(e))
    build = resolve_build(args, cat)
    candidates = [m for m in cat.models if query.matches_model(m)]
    result = rows(
        cat,
        build,
        quant=quant,
        ctx=args.ctx,
        benchmark=bench,
        kv_type=kv_type,
        engine=engine,
        models=candidates,
        serving_users=SERVING_USERS if args.sort == "throughput" else 0,
        serving_filter=query.matches_row,
    )
    result = [r for r in result if query.matches_row(r)]
    result = sort_rows(result, args.sort, reverse=False if args.asc else None)
    if args.limit:
        result = result[: args.limit]
    if args.json:
        print(rows_json(result))
    elif args.csv:
        sys.stdout.write(rows_csv(result))
    else:
        if not args.markdown:
            kv = f" · KV {kv_type}" if kv_type != "f16" else ""
            print(f"# {build.describe()} · {quant} · {args.ctx} ctx{kv} · {engine} · score: {bench}")
            order = "what runs first, then by score" if args.sort == "runnable" else f"sorted by {args.sort}"
            print(f"# {order}; mem, fit and t/s at {quant}; best quant: the best that fits")
        sys.stdout.write(rows_table(result, markdown=args.markdown))
    return exitcodes.OK if result else exitcodes.NO_RESULT


def cmd_hardware(args: argparse.Namespace) -> int:
    from ..core.output import markdown_table, plain_table, to_json

    cat = catalog()
    words = [w.lower() for w in args.query]
    devices = [
        d
        for d in cat.devices
        if all(any(w in k.lower() for k in (d.name, d.vendor, d.id, d.kind, *d.aliases)) for w in words)
    ]
    if args.json:
        print(to_json([_device_json(d) for d in devices]))
    else:
        from ..core.output import device_price_text

        header = ("id", "vendor", "name", "kind", "memory GiB", "GB/s", "FP16 TFLOPS", "cheapest price")
        body = []
        for d in devices:
            body.append(
                [
                    d.id,
                    d.vendor,
                    d.name,
                    d.kind,
                    "/".join(f"{m:g}" for m in d.memory_gib) or "—",
                    f"{d.bandwidth_gbs:g}",
                    f"{d.fp16_tflops:g}" if d.fp16_tflops else "—",
                    device_price_text(d) or "—",
                ]
            )
        sys.stdout.write((markdown_table if args.markdown else plain_table)(header, body))
    return exitcodes.OK if devices else exitcodes.NO_RESULT


def _device_json(d: object) -> dict[str, object]:
    from dataclasses import asdict

    out = asdict(d)  # type: ignore[call-overload]
    out.pop("file", None)
    return out


def cmd_paths(args: argparse.Namespace) -> int:
    from ..core.paths import catalog_dir, profiles_dir, user_config_dir, user_data_dir

    print(f"bundled catalogue   {catalog_dir()}")
    print(f"your catalogue      {user_data_dir()}  (models/*.toml, hardware/*.toml)")
    print(f"your profiles       {profiles_dir()}")
    print(f"config              {user_config_dir()}")
    return exitcodes.OK
