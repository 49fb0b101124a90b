"""The argument parser: one sentence per error, to stderr, exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from .. import __version__
from . import exitcodes


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: {message} (see '{self.prog} --help')\n")
        raise SystemExit(exitcodes.USAGE)


def _arg(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type from a boundary parser: its one sentence becomes argparse's error (exit 2)."""

    def convert(text: str) -> Any:
        from ..core.boundary import InputError

        try:
            return parse(text)
        except InputError as e:
            raise argparse.ArgumentTypeError(e.message) from None

    return convert


def _whole(lo: int, hi: int, what: str = "") -> Callable[[str], Any]:
    from ..core.boundary.numbers import whole

    return _arg(lambda t: whole(t, "", lo=lo, hi=hi, what=what))


def _real(lo: float, hi: float, what: str = "") -> Callable[[str], Any]:
    from ..core.boundary.numbers import number

    return _arg(lambda t: number(t, "", lo=lo, hi=hi, what=what))


def _ctx(text: str) -> int:
    from ..core.boundary.numbers import ctx_tokens

    return ctx_tokens(text, "")


def _seconds(text: str) -> float:
    from ..core.boundary.numbers import seconds

    return seconds(text, "", lo=0.1, hi=600)


def _nonempty(text: str) -> str:
    from ..core.boundary import InputError
    from ..core.boundary.text import one_line

    if not text.strip():
        raise InputError("", "is empty; leave the option out instead")
    return one_line(text)


positive_int = _whole(1, 1_000_000)
ctx_arg = _arg(_ctx)
seconds_arg = _arg(_seconds)
text_arg = _arg(_nonempty)


def date_arg(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-12-01")
    return text.strip()


def add_hardware(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("hardware (none given: this machine, as detected)")
    g.add_argument(
        "--gpu",
        type=text_arg,
        metavar="SPEC",
        help='GPUs from the catalogue: "RTX 4090", "2x RTX 3090", "RTX 5090 + RTX 4090"',
    )
    g.add_argument("--mac", type=text_arg, metavar="SPEC", help='an Apple Silicon Mac: "M4 Max 40-core 128GB"')
    g.add_argument(
        "--ram", type=text_arg, metavar="SIZE", help="host RAM as sold, e.g. 64GB (DIMMs are binary: 64 GiB)"
    )
    g.add_argument("--machines", type=_whole(1, 64), default=1, metavar="N", help="N identical machines (default 1)")
    g.add_argument("--network", default="10gbe", help="link between machines: 1gbe, 10gbe, 25gbe, 100gbe, tb4, tb5")
    g.add_argument(
        "--wired-limit-mb", type=_whole(0, 64_000_000), default=0, metavar="MB", help="Apple: iogpu.wired_limit_mb"
    )
    g.add_argument("--profile", type=text_arg, metavar="NAME", help="a saved build profile")
    add_knobs(g)


def add_knobs(g: Any) -> None:
    """What an estimate otherwise assumes about the machine: its llama.cpp backend, its RAM, a GPU the
    catalogue lacks."""
    g.add_argument(
        "--backend",
        choices=["cuda", "rocm", "vulkan", "metal", "sycl", "cpu"],
        help="the llama.cpp backend (default: each GPU's usual one: CUDA, ROCm, Metal, SYCL)",
    )
    g.add_argument(
        "--ram-bandwidth",
        type=_real(1, 20_000, "a bandwidth in GB/s"),
        metavar="GBS",
        help="host RAM bandwidth in GB/s (default: the RAM platform's, else dual-channel DDR5-5600 assumed)",
    )
    g.add_argument(
        "--ram-platform",
        type=text_arg,
        metavar="NAME",
        help='a RAM platform from the catalogue: "DDR5-6000", "EPYC 9004", "8-channel DDR5-4800"',
    )
    g.add_argument(
        "--custom-gpu",
        type=text_arg,
        metavar="SPEC",
        help="a GPU by its numbers, added to the build: memory=24GB,bandwidth=936[,fp16=71][,vendor=nvidia][,count=2]",
    )


def add_estimate_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quant", help="quantization (default Q4_K_M, or the engine's nearest: AWQ on vLLM, MLX-4bit on MLX)"
    )
    p.add_argument(
        "--ctx", type=ctx_arg, default=8192, help="context length in tokens, e.g. 8192 or 32k (default 8192)"
    )
    p.add_argument(
        "--kv-quant",
        choices=["f16", "q8_0", "q4_0", "fp8"],
        help="KV cache type (default f16; llama.cpp and Ollama: q8_0, q4_0; vLLM: fp8)",
    )
    p.add_argument("--engine", default="llama.cpp", help="llama.cpp (default), ollama, vllm or mlx")


def add_format(p: argparse.ArgumentParser, *, csv: bool = False, markdown: bool = False) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help="print JSON")
    if csv:
        g.add_argument("--csv", action="store_true", help="print CSV")
    if markdown:
        g.add_argument("--markdown", action="store_true", help="print a Markdown table")


def build_parser() -> Parser:
    p = Parser(
        prog="llmtui",
        description="Which open-weight LLM runs on this machine, how fast, and what if you bought something else. "
        "Without a subcommand, opens the full-screen app.",
        epilog="Exit codes: 0 ok, 1 nothing fits or matches, 2 usage or input error, 3 detection failed, "
        "4 remote machine or the Hugging Face Hub unreachable.",
    )
    p.add_argument("--version", action="version", version=f"llmtui {__version__}")
    p.add_argument("--profile", type=text_arg, metavar="NAME", help="open the app on a saved build profile")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    m = sub.add_parser("models", help="the leaderboard for a build: filter, sort, table/JSON/CSV/Markdown")
    m.add_argument("query", nargs="*", help="filter, e.g. 'qwen size<40 use:coding fits' (see README)")
    add_hardware(m)
    add_estimate_opts(m)
    m.add_argument(
        "--sort",
        default="runnable",
        help="runnable (default: what the build runs first, then by score), score (the full ranking), adjusted, "
        "name, params, memory, fit, tps, released, ctx, license, best",
    )
    m.add_argument("--asc", action="store_true", help="sort ascending")
    m.add_argument(
        "--score", metavar="BENCHMARK", help="the score to show and rank by (default: AA Intelligence Index)"
    )
    m.add_argument("--limit", type=positive_int, help="at most N rows")
    add_format(m, csv=True, markdown=True)

    h = sub.add_parser("hardware", help="the hardware catalogue")
    h.add_argument("query", nargs="*", help="words to match in name, vendor or alias")
    add_format(h, csv=False, markdown=True)

    e = sub.add_parser("estimate", help="memory, fit and speed of one model on a build")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", metavar="ID", help="catalogue id or Hugging Face repo id")
    src.add_argument("--config", metavar="PATH", help="a Hugging Face config.json")
    src.add_argument("--gguf", metavar="PATH", help="a local GGUF file (reads its header)")
    src.add_argument("--batch", metavar="FILE", help="JSON Lines of requests ('-' for stdin)")
    add_estimate_opts(e)
    add_hardware(e)
    e.add_argument(
        "--parallel",
        type=_whole(1, 4096),
        default=1,
        metavar="N",
        help="sequences served at once, sharing --ctx (llama-server -np, vLLM --max-num-seqs; default 1)",
    )
    e.add_argument(
        "--concurrency",
        type=_whole(1, 4096),
        metavar="N",
        help="N users at once, each with --ctx tokens: adds 'serving' (most users, aggregate and per-user decode, "
        "time to first token under load); --launch then serves them (-np / --max-num-seqs)",
    )
    e.add_argument(
        "--prompt-tokens", type=_whole(1, 100_000_000), default=512, help="prompt length for time to first token"
    )
    e.add_argument(
        "--depth",
        type=_whole(0, 100_000_000),
        help="tokens already in context when decoding (default: the whole --ctx)",
    )
    e.add_argument(
        "--launch", metavar="ENGINE", help="also print the command that runs it: llama.cpp, ollama, vllm, mlx"
    )
    add_format(e)

    d = sub.add_parser("detect", help="this machine's hardware")
    add_format(d)
    d.add_argument(
        "--timeout", type=seconds_arg, help="seconds each probe may take (default 5, or LLMTUI_PROBE_TIMEOUT)"
    )
    sub.add_parser("doctor", help="raw probe results for a bug report").add_argument(
        "--timeout", type=seconds_arg, help="seconds each probe may take"
    )

    pr = sub.add_parser("profiles", help="saved build profiles")
    ps = pr.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    pl = ps.add_parser("list", help="every profile")
    add_format(pl)
    pshow = ps.add_parser("show", help="one profile")
    pshow.add_argument("name")
    add_format(pshow)
    psave = ps.add_parser("save", help="save hardware options (none: this machine) as a profile")
    psave.add_argument("name")
    add_hardware(psave)
    psave.add_argument("--engine", default="llama.cpp")
    psave.add_argument("--force", action="store_true", help="replace an existing profile")
    pexp = ps.add_parser("export", help="print a profile's TOML (or write it to --output)")
    pexp.add_argument("name")
    pexp.add_argument("--output", "-o", metavar="FILE")
    pimp = ps.add_parser("import", help="add a profile from a TOML file")
    pimp.add_argument("file")
    pimp.add_argument("--name", help="save under this name")
    pimp.add_argument("--force", action="store_true", help="replace an existing profile")
    pdel = ps.add_parser("delete", help="delete a profile")
    pdel.add_argument("name")
    pren = ps.add_parser("rename", help="rename a profile")
    pren.add_argument("name")
    pren.add_argument("new_name")
    pdup = ps.add_parser("duplicate", help="copy a profile under a new name")
    pdup.add_argument("name")
    pdup.add_argument("new_name")

    pl2 = sub.add_parser("plan", help="reverse planning: the cheapest builds that run a model at a target speed")
    pl2.add_argument("--model", required=True, metavar="ID")
    pl2.add_argument(
        "--target-tps",
        type=_real(0, 1_000_000, "a speed in tokens/s"),
        default=10.0,
        help="decode tokens/s wanted (default 10)",
    )
    add_estimate_opts(pl2)
    pl2.add_argument(
        "--users",
        type=_whole(0, 4096),
        default=0,
        metavar="N",
        help="serve N users at once, each with --ctx tokens, each at --target-tps (default: one user)",
    )
    pl2.add_argument(
        "--backend",
        choices=["cuda", "rocm", "vulkan", "metal", "sycl"],
        help="only builds this llama.cpp backend drives, estimated on it (default: each GPU's usual one)",
    )
    pl2.add_argument("--limit", type=positive_int, default=10, help="at most N builds (default 10)")
    pl2.add_argument("--max-gpus", type=_whole(1, 64), default=8, help="GPUs per machine to consider (default 8)")
    add_format(pl2, markdown=True)

    r = sub.add_parser("remote", help="detect a remote machine over ssh and save it as a profile")
    r.add_argument("host", help="[user@]host, as ssh accepts it (~/.ssh/config applies)")
    r.add_argument("--name", help="profile name (default: the host)")
    r.add_argument("--timeout", type=seconds_arg, default=20.0, help="seconds for the whole probe (default 20)")
    r.add_argument("--ssh-option", "-o", action="append", default=[], metavar="OPT", help="passed to ssh -o")
    r.add_argument("--no-save", action="store_true", help="print only, save nothing")
    add_format(r)

    im = sub.add_parser("import", help="import a leaderboard export (Open LLM Leaderboard v2 CSV) into your catalogue")
    im.add_argument("file")
    im.add_argument("--name", default="", help="name of the overlay file (default: from the input file)")
    add_format(im)

    ca = sub.add_parser("catalog", help="your catalogue overlay: add a model from the Hub or a config.json, check it")
    cs = ca.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    cadd = cs.add_parser("add", help="add a model: hf:ORG/REPO (its config.json and GGUF sizes) or --config FILE")
    what = cadd.add_mutually_exclusive_group(required=True)
    what.add_argument("target", nargs="?", help="hf:ORG/REPO (HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE apply)")
    what.add_argument("--config", metavar="FILE", help="a local config.json")
    cadd.add_argument("--repo", metavar="ORG/NAME", help="with --config: the model's Hugging Face repo id")
    cadd.add_argument("--name", type=text_arg, help="display name (default: from the repo)")
    cadd.add_argument("--force", action="store_true", help="replace an entry written before")
    add_format(cadd)
    cchk = cs.add_parser("check", help="validate your catalogue files and print every problem (file, entry, field)")
    add_format(cchk)

    sc = sub.add_parser("scores", help="scores from leaderboard exports you downloaded")
    scs = sc.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    simp = scs.add_parser(
        "import",
        help="merge an export's scores by repo id: Artificial Analysis API JSON, Every Eval Ever records, "
        "LMArena CSV, Open LLM Leaderboard v2 CSV",
    )
    simp.add_argument("file")
    simp.add_argument("--name", help="name of the scores file (default: from the input file)")
    simp.add_argument("--date", type=date_arg, help="when the export was taken (default: today, for files without one)")
    simp.add_argument("--index-version", metavar="vX.Y", help="Artificial Analysis: the index version the file holds")
    simp.add_argument("--force", action="store_true", help="replace a scores file of the same name")
    add_format(simp)

    se = sub.add_parser("seed", help="the seed article's hardware table next to llmtui's figures, its errors named")
    se.add_argument("--engine", default="llama.cpp", help="llama.cpp (default), ollama, vllm, mlx")
    add_format(se, markdown=True)

    bn = sub.add_parser(
        "bench",
        help="measure this machine with llama-bench (or read its output) and calibrate its estimates",
    )
    bsrc = bn.add_mutually_exclusive_group()
    bsrc.add_argument("--file", metavar="PATH", help="llama-bench output to read (-o json, jsonl, csv or md)")
    bsrc.add_argument("--gguf", metavar="PATH", help="a model file to run llama-bench on (llama-bench on PATH)")
    bn.add_argument(
        "--model", metavar="ID", help="the catalogue model the runs are of (when the file name does not say)"
    )
    bn.add_argument(
        "--save-profile", type=text_arg, metavar="NAME", help="the profile to store it in (default: 'this machine')"
    )
    bn.add_argument("--no-save", action="store_true", help="compare only, store nothing")
    bn.add_argument("--timeout", type=seconds_arg, default=300.0, help="seconds llama-bench may run (default 300)")
    add_hardware(bn)
    add_format(bn)

    sub.add_parser("paths", help="where llmtui reads and writes")
    return p


def reject_stdout_tty_garbage() -> bool:
    return sys.stdout.isatty() and sys.stdin.isatty()
