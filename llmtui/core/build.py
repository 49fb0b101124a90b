"""A Build: the hardware an estimate is for. Detected, described on the command line, or saved.

Parsing of what users type lives here too: "2x RTX 3090", "RTX 5090 + RTX 4090",
"M4 Max 40-core 128GB", "64GB".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .boundary import InputError
from .catalog.types import Catalog, Device
from .units import GiB, MiB

NETWORKS: dict[str, tuple[float, float, str]] = {
    # name: (GB/s, per-hop latency in ms for one token's activations, label)
    # Latencies are our assumptions for a round trip through the engine's RPC layer, not measurements.
    "1gbe": (0.125, 1.0, "1 Gigabit Ethernet"),
    "10gbe": (1.25, 0.5, "10 Gigabit Ethernet"),
    "25gbe": (3.125, 0.3, "25 Gigabit Ethernet"),
    "100gbe": (12.5, 0.2, "100 Gigabit Ethernet / InfiniBand"),
    "tb4": (5.0, 0.3, "Thunderbolt 4 networking (40 Gb/s)"),
    "tb5": (10.0, 0.2, "Thunderbolt 5 networking (80 Gb/s)"),
}

# Host memory bandwidth when nothing better is known: dual-channel DDR5-5600 (2 x 8 B x 5600 MT/s).
DEFAULT_RAM_BANDWIDTH_GBS = 89.6
DEFAULT_RAM_NOTE = "assumed dual-channel DDR5-5600"

# llama.cpp backends a build can run (--backend); "" means each GPU's usual one.
BACKENDS: dict[str, str] = {
    "cuda": "CUDA",
    "rocm": "ROCm",
    "vulkan": "Vulkan",
    "metal": "Metal",
    "sycl": "SYCL",
    "cpu": "CPU",
}
VENDOR_BACKEND = {"NVIDIA": "cuda", "AMD": "rocm", "Apple": "metal", "Intel": "sycl"}
# Which vendors' GPUs a backend drives (Vulkan: any but Apple's; CPU: none, everything runs on the host).
BACKEND_VENDORS = {
    "cuda": {"NVIDIA"},
    "rocm": {"AMD"},
    "metal": {"Apple"},
    "sycl": {"Intel"},
    "vulkan": {"NVIDIA", "AMD", "Intel", "Other"},
    "cpu": set(),
}


# Where a build's assumptions are read -> how to change the RAM bandwidth and the backend there.
ASSUMPTION_KNOBS = {
    "cli": ("--ram-bandwidth or --ram-platform to change", "--backend to change"),
    "app": ("the planner, w, changes it", "the planner, w, changes it"),
    "planner": ("the RAM GB/s box changes it", "b changes it"),
}


class BuildError(ValueError):
    """Hardware that cannot be understood; the message names it and the closest matches."""


@dataclass(frozen=True, slots=True)
class GPU:
    """One accelerator of a build (a GPU, or the GPU side of a unified-memory machine)."""

    name: str
    vendor: str
    memory_bytes: int
    bandwidth_gbs: float
    unified: bool = False
    catalog_id: str = ""
    fp16_tflops: float = 0.0
    free_bytes: int | None = None  # measured free memory (detected machines only)
    usable_bytes: int | None = None  # a known limit (Apple wired limit), before engine margins
    usable_note: str = ""
    power_w: float = 0.0
    price_usd: float | None = None  # the cheapest purchase price the catalogue lists
    price_note: str = ""  # its kind and date: "used 2025-11"
    price_kind: str = ""  # used | street | launch MSRP | system
    hourly_usd: float | None = None  # the cheapest cloud price per GPU-hour
    hourly_note: str = ""
    bandwidth_source: str = ""
    memory_type: str = ""  # GDDR6X, HBM3, LPDDR5X ... (the catalogue's; "" unknown)
    custom: bool = False  # described by numbers (--custom-gpu), not a catalogue device


@dataclass(frozen=True, slots=True)
class MachineCalibration:
    """What `llmtui bench` measured on this machine: the median of measured / expected speed over its
    runs, per backend, and when. Estimates for the build scale by it and say so."""

    backend: str  # cuda | rocm | ... (the runs' backend)
    decode_factor: float  # measured decode / the model's expected decode, median over the runs
    prefill_factor: float | None  # the same for prompt processing; None when no run measured it
    runs: int
    date: str  # YYYY-MM-DD
    spread: float = 0.0  # the runs' largest relative deviation from the median (0.05 = 5%)
    source: str = ""  # "llama-bench" or the file read

    def describe(self) -> str:
        return f"calibrated on this machine ({self.runs} run{'s' if self.runs != 1 else ''}, {self.date})"


@dataclass(frozen=True, slots=True)
class Holder:
    """Something that holds GPU memory on a detected machine now: an inference server's model or
    another process. gpu_bytes[i] is what it holds on build.gpus[i]."""

    label: str
    gpu_bytes: tuple[int, ...]
    pids: tuple[int, ...] = ()

    @property
    def total_bytes(self) -> int:
        return sum(self.gpu_bytes)


@dataclass(frozen=True, slots=True)
class Build:
    name: str
    gpus: tuple[GPU, ...] = ()
    ram_bytes: int = 0  # host RAM per machine (for unified machines: the same memory as the GPU's)
    ram_available_bytes: int | None = None  # measured available RAM (detected machines only)
    ram_bandwidth_gbs: float = DEFAULT_RAM_BANDWIDTH_GBS
    ram_bandwidth_note: str = DEFAULT_RAM_NOTE
    cpu_name: str = ""
    cpu_cores: int = 0
    machines: int = 1
    network: str = "10gbe"
    source: str = "planned"  # detected | planned | profile:NAME | remote:HOST
    wired_limit_mb: int = 0  # Apple: iogpu.wired_limit_mb (0 = the macOS default)
    holders: tuple[Holder, ...] = ()  # detected only: what holds GPU memory now (servers, processes)
    notes: tuple[str, ...] = field(default_factory=tuple)
    backend: str = ""  # cuda | rocm | vulkan | metal | sycl | cpu; "" = each GPU's usual backend
    ram_platform: str = ""  # catalogue id of the RAM platform (kind "cpu"), when known or chosen
    ram_class: str = ""  # desktop | server | lpddr: how the CPU side is calibrated ("" = from the bandwidth)
    calibration: MachineCalibration | None = None  # from `llmtui bench`, for this backend

    @property
    def ram_assumed(self) -> bool:
        return self.ram_bandwidth_note.startswith("assumed")

    def backend_for(self, vendor: str) -> str:
        """The backend key a GPU of `vendor` runs on in this build."""
        if self.backend:
            return self.backend
        return VENDOR_BACKEND.get(vendor, "vulkan")

    @property
    def backend_label(self) -> str:
        if self.backend:
            return BACKENDS[self.backend]
        names = sorted({BACKENDS[self.backend_for(g.vendor)] for g in self.gpus})
        return " + ".join(names) if names else "CPU"

    def assumptions(self, where: str = "cli") -> list[str]:
        """Everything an estimate for this build takes for granted about it, each in one sentence, with
        how to change it where it is read (ASSUMPTION_KNOBS: the command line, the app, the planner)."""
        ram_knob, backend_knob = ASSUMPTION_KNOBS[where]
        out: list[str] = []
        if not self.unified and (self.ram_bytes or not self.gpus) and self.ram_assumed:
            out.append(f"host RAM bandwidth {self.ram_bandwidth_gbs:g} GB/s: {self.ram_bandwidth_note} ({ram_knob})")
        if not self.backend:
            usual = ", ".join(f"{BACKENDS[VENDOR_BACKEND.get(v, 'vulkan')]} for {v}" for v in self.vendors)
            if usual:
                out.append(f"llama.cpp backend: {usual}, the usual one ({backend_knob})")
        for g in self.gpus:
            if g.custom:
                out.append(f"{g.name}: described by numbers, no catalogue entry")
                break
        if self.gpus and any(not g.fp16_tflops for g in self.gpus):
            names = ", ".join(sorted({g.name for g in self.gpus if not g.fp16_tflops}))
            out.append(f"FLOPS of {names} unknown: no prompt-processing estimate")
        if self.calibration is not None:
            c = self.calibration
            out.append(
                f"speeds scaled to this machine's llama-bench runs on {BACKENDS.get(c.backend, c.backend)}"
                f" ({c.runs} run{'s' if c.runs != 1 else ''}, {c.date})"
            )
        return out

    @property
    def vendors(self) -> list[str]:
        seen: list[str] = []
        for g in self.gpus:
            if g.vendor not in seen:
                seen.append(g.vendor)
        return seen

    @property
    def unified(self) -> bool:
        return any(g.unified for g in self.gpus)

    @property
    def gpu_memory_bytes(self) -> int:
        return sum(g.memory_bytes for g in self.gpus) * self.machines

    @property
    def price_usd(self) -> float | None:
        prices = [g.price_usd for g in self.gpus]
        if not prices or any(p is None for p in prices):
            return None
        return sum(p for p in prices if p is not None) * self.machines

    @property
    def price_kind(self) -> str:
        """The kind of the prices summed in price_usd: 'used', or 'used + launch MSRP' when mixed."""
        return " + ".join(sorted({g.price_kind for g in self.gpus if g.price_kind}))

    @property
    def hourly_usd(self) -> float | None:
        """What the build's GPUs cost per hour in the cloud, where every one has a listed hourly price."""
        hourly = [g.hourly_usd for g in self.gpus]
        if not hourly or any(h is None for h in hourly):
            return None
        return sum(h for h in hourly if h is not None) * self.machines

    @property
    def power_w(self) -> float | None:
        """GPU board power in W; None when a device's power is not in the catalogue (0 there means unknown)."""
        if any(g.power_w <= 0 for g in self.gpus):
            return None
        return sum(g.power_w for g in self.gpus) * self.machines

    def describe(self, *, ram: bool = True) -> str:
        """'2x GeForce RTX 3090 + 64 GB RAM', as the header shows it (without the RAM: the GPUs only)."""
        parts = []
        groups: dict[str, int] = {}
        for g in self.gpus:
            label = g.name if not g.unified else f"{g.name} {_size(g.memory_bytes)}"
            groups[label] = groups.get(label, 0) + 1
        for label, n in groups.items():
            parts.append(f"{n}x {label}" if n > 1 else label)
        if ram and not self.unified and self.ram_bytes:
            parts.append(f"{_size(self.ram_bytes)} RAM")
        if not parts:
            parts.append("CPU only")
        text = " + ".join(parts)
        return f"{self.machines} machines x ({text})" if self.machines > 1 else text

    def grouped(self) -> list[tuple[GPU, int]]:
        """Runs of identical GPUs with their counts, in order: [(RTX 3090, 2), (RTX 4090, 1)]."""
        groups: list[tuple[GPU, int]] = []
        for g in self.gpus:
            if groups and groups[-1][0] == g:
                groups[-1] = (g, groups[-1][1] + 1)
            else:
                groups.append((g, 1))
        return groups

    def with_(self, **changes: object) -> Build:
        return replace(self, **changes)  # type: ignore[arg-type]


def _size(n_bytes: int) -> str:
    """'64 GB' for a size as sold (a whole number of GiB), '23.5 GiB' for a measured one."""
    gib = n_bytes / GiB
    return f"{gib:.0f} GB" if abs(gib - round(gib)) < 0.01 else f"{gib:.1f} GiB"


# --- Apple's Metal working-set limit -------------------------------------------------------------


def apple_default_limit(ram_bytes: int) -> int:
    """recommendedMaxWorkingSetSize as macOS has set it: about 2/3 of RAM up to 36 GB, 3/4 above
    (llama.cpp and MLX reports: 16 GB -> 10.9 GB, 64 GB -> 48 GB, 128 GB -> 96 GB)."""
    frac = 2 / 3 if ram_bytes <= 36 * GiB else 3 / 4
    return int(ram_bytes * frac)


def apple_limit(ram_bytes: int, wired_limit_mb: int = 0) -> tuple[int, str]:
    if wired_limit_mb > 0:
        return min(ram_bytes, wired_limit_mb * MiB), f"iogpu.wired_limit_mb = {wired_limit_mb}"
    frac = "2/3" if ram_bytes <= 36 * GiB else "3/4"
    return apple_default_limit(ram_bytes), f"Metal working-set default, {frac} of RAM"


# --- Parsing what users type ------------------------------------------------------------------------

# A count is one or two digits ("2x RTX 3090", "H100 x8"), so "7900 XTX" is a name, not 7900 x "TX".
_COUNT_FIRST = re.compile(r"^\s*(\d{1,2})\s*[x×*]\s*(.+?)\s*$", re.IGNORECASE)
_COUNT_LAST = re.compile(r"^\s*(.+?)(?:\s+[x×*]|\s*[×*])\s*(\d{1,2})\s*$", re.IGNORECASE)
_MEM_IN_NAME = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(gb|gib|g)\b", re.IGNORECASE)
_CORES = re.compile(r"\s*(\d+)[- ]?(?:core|c)\b(?:\s*gpu)?", re.IGNORECASE)
MAX_GPUS = 64


def _closest(catalog: Catalog, text: str, kinds: set[str]) -> str:
    names = [k for d in catalog.devices if d.kind in kinds for k in (d.name, *d.aliases)]
    import difflib

    close = difflib.get_close_matches(text, names, n=3, cutoff=0.4)
    return f"; closest: {', '.join(close)}" if close else ""


def gpu_from_device(d: Device, memory_gib: float | None = None) -> GPU:
    mem = memory_gib if memory_gib is not None else max(d.memory_gib)
    price = d.price_for(mem)
    hourly = d.hourly_for(mem)
    return GPU(
        name=d.name,
        vendor=d.vendor,
        memory_bytes=int(mem * GiB),
        bandwidth_gbs=d.bandwidth_gbs,
        unified=d.unified,
        catalog_id=d.id,
        fp16_tflops=d.fp16_tflops or d.fp32_tflops,
        power_w=d.power_w,
        price_usd=price.usd if price else None,
        price_note=f"{price.kind} {price.date}" if price else "",
        price_kind=price.kind if price else "",
        hourly_usd=hourly.usd if hourly else None,
        hourly_note=f"{hourly.detail or 'cloud'} {hourly.date}" if hourly else "",
        bandwidth_source=f"catalogue: {d.id}",
        memory_type=d.memory_type,
    )


def _lookup(catalog: Catalog, text: str, kinds: set[str]) -> tuple[Device, float | None]:
    """A device by name, optionally with a memory size in it ('A100 80GB', 'Strix Halo 128GB')."""
    d = catalog.device(text)
    if d and d.kind in kinds:
        return d, None
    m = _MEM_IN_NAME.search(text)
    if m:
        mem = float(m.group(1))
        rest = (text[: m.start()] + text[m.end() :]).strip()
        d = catalog.device(rest)
        if d and d.kind in kinds:
            if mem not in d.memory_gib:
                sizes = ", ".join(f"{x:g} GB" for x in d.memory_gib)
                raise BuildError(f"{d.name} is not sold with {mem:g} GB (it comes with {sizes})")
            return d, mem
    raise BuildError(f"unknown {'GPU' if 'gpu' in kinds else 'device'} '{text}'{_closest(catalog, text, kinds)}")


def _gpu_parts(catalog: Catalog, spec: str) -> list[str]:
    """The spec split at its '+' signs, except where a '+' is part of a device's name ('Ryzen AI Max+
    395 + RTX 4090' is two devices): the longest run of pieces that names a device is one part."""
    pieces = spec.split("+")
    out: list[str] = []
    i = 0
    while i < len(pieces):
        j = len(pieces)
        while j > i + 1 and not _names_device(catalog, "+".join(pieces[i:j])):
            j -= 1
        if j == i + 1 and not _names_device(catalog, pieces[i]):  # unknown: keep its '+' for the message
            while j < len(pieces) and not _names_device(catalog, pieces[j]):
                j += 1
        out.append("+".join(pieces[i:j]).strip())
        i = j
    return out


def _names_device(catalog: Catalog, text: str) -> bool:
    part = text.strip()
    m = _COUNT_FIRST.match(part)
    if m:
        part = m.group(2)
    try:
        _lookup(catalog, part, {"gpu", "system", "apu"})
    except BuildError:
        return False
    return True


def parse_gpu_spec(catalog: Catalog, spec: str) -> list[GPU]:
    """'2x RTX 3090', 'RTX 5090 + RTX 4090', 'H100 SXM x8' -> one GPU per physical card."""
    gpus: list[GPU] = []
    if not isinstance(spec, str) or not spec.strip():
        raise BuildError('--gpu is empty; write it like "RTX 4090" or "2x RTX 3090 + RTX 4090"')
    for part in _gpu_parts(catalog, spec):
        count = 1
        m = _COUNT_FIRST.match(part) or None
        if m:
            count, part = int(m.group(1)), m.group(2)
        else:
            m = _COUNT_LAST.match(part)
            if m and not _MEM_IN_NAME.fullmatch(m.group(2)):
                part, count = m.group(1), int(m.group(2))
        if count < 1:
            raise BuildError(f"'{part}' needs a count of at least 1")
        d, mem = _lookup(catalog, part, {"gpu", "system", "apu"})
        gpus.extend([gpu_from_device(d, mem if mem is not None else None)] * count)
        if len(gpus) > MAX_GPUS:
            raise BuildError(f"{len(gpus)} GPUs in one machine is more than llmtui plans for ({MAX_GPUS})")
    return gpus


def parse_mac_spec(catalog: Catalog, spec: str) -> GPU:
    """'M4 Max 40-core 128GB' -> the Mac's unified memory as one GPU with its working-set limit."""
    if not isinstance(spec, str) or not spec.strip():
        raise BuildError('--mac is empty; write it like "M4 Max 40-core 128GB"')
    text = spec.strip()
    mem_m = _MEM_IN_NAME.search(text)
    if not mem_m:
        raise BuildError(f"'{spec}': say how much memory, e.g. \"{text} 64GB\"")
    mem = float(mem_m.group(1))
    text = (text[: mem_m.start()] + text[mem_m.end() :]).strip()
    cores_m = _CORES.search(text)
    chip = (text[: cores_m.start()] + text[cores_m.end() :]).strip() if cores_m else text
    chip = re.sub(r"^(mac\s*(studio|mini|pro|book\s*pro|book\s*air)?|macbook\s*(pro|air))\s+", "", chip, flags=re.I)
    macs = [d for d in catalog.devices if d.kind == "mac"]
    candidates = [d for d in macs if _chip_matches(d, chip)]
    if not candidates:
        raise BuildError(f"unknown Mac chip '{chip}'{_closest(catalog, chip, {'mac'})}")
    if cores_m:
        cores = int(cores_m.group(1))
        binned = [d for d in candidates if d.gpu_cores == cores]
        if not binned:
            bins = ", ".join(f"{d.gpu_cores}-core" for d in candidates)
            raise BuildError(f"{candidates[0].name.split(' (')[0]} has no {cores}-core GPU bin (it has {bins})")
        candidates = binned
    else:
        with_mem = [d for d in candidates if mem in d.memory_gib] or candidates
        if len({d.bandwidth_gbs for d in with_mem}) > 1:
            bins = " or ".join(f"{d.gpu_cores}-core" for d in sorted(with_mem, key=lambda d: d.gpu_cores))
            raise BuildError(f"'{chip}' comes in GPU bins with different bandwidth: say {bins}")
        candidates = sorted(with_mem, key=lambda d: -d.gpu_cores)  # same bandwidth: the larger bin
    d = candidates[0]
    if mem not in d.memory_gib:
        sizes = ", ".join(f"{x:g} GB" for x in d.memory_gib)
        raise BuildError(f"{d.name} is not sold with {mem:g} GB (it comes with {sizes})")
    return gpu_from_device(d, mem)


def _chip_matches(d: Device, chip: str) -> bool:
    want = "".join(ch for ch in chip.lower() if ch.isalnum())
    for key in (d.name, *d.aliases):
        k = "".join(ch for ch in key.lower() if ch.isalnum())
        if k == want or (k.startswith(want) and k[len(want) :].rstrip("core").isdigit()):
            return True
        stripped = re.sub(r"\d+(core|c)(gpu)?$", "", k)
        stripped = re.sub(r"^apple", "", stripped)
        if stripped == want or stripped == "apple" + want:
            return True
    return False


def parse_ram(text: object, field: str = "--ram") -> int:
    """RAM as sold: '64GB' is 64 GiB (DIMMs are binary); 'GiB' says the same explicitly."""
    from .boundary.numbers import ram_bytes

    try:
        return ram_bytes(text, field)
    except InputError as e:
        raise BuildError(str(e)) from None


def planned_build(
    catalog: Catalog,
    *,
    gpu: str | None = None,
    mac: str | None = None,
    ram: str | float | None = None,
    machines: int = 1,
    network: str = "10gbe",
    wired_limit_mb: int = 0,
    name: str = "",
) -> Build:
    """A build from the command line's hardware options."""
    if isinstance(machines, bool) or not isinstance(machines, int) or not 1 <= machines <= 64:
        raise BuildError(f"--machines: {machines!r} is not a whole number from 1 to 64")
    if not isinstance(network, str) or network not in NETWORKS:
        raise BuildError(f"unknown network '{network}' (use one of {', '.join(NETWORKS)})")
    gpus: list[GPU] = []
    ram_bytes = 0
    if not 0 <= wired_limit_mb <= 64_000_000:
        raise BuildError(f"--wired-limit-mb: {wired_limit_mb} is not a whole number from 0 to 64,000,000")
    for flag, given in (("--gpu", gpu), ("--mac", mac), ("--ram", ram)):
        if flag == "--ram" and isinstance(given, int | float) and not isinstance(given, bool):
            continue  # a number of GB, from a --batch line
        if given is not None and (not isinstance(given, str) or not given.strip()):
            raise BuildError(f"{flag} is empty or not text; leave it out to mean this machine")
    if mac:
        if gpu:
            raise BuildError("--mac and --gpu describe different machines; give one of them")
        g = parse_mac_spec(catalog, mac)
        limit, note = apple_limit(g.memory_bytes, wired_limit_mb)
        gpus = [replace(g, usable_bytes=limit, usable_note=note)]
        ram_bytes = g.memory_bytes
        if ram:
            raise BuildError("--ram does not apply to a Mac: its memory is the unified memory in --mac")
    elif gpu:
        gpus = parse_gpu_spec(catalog, gpu)
        uni = [g for g in gpus if g.unified]
        if uni and len(gpus) > 1:
            raise BuildError(f"{uni[0].name} is a whole unified-memory machine; use --machines to add more")
        if uni:
            ram_bytes = uni[0].memory_bytes
    if ram is not None:
        if gpus and gpus[0].unified:
            raise BuildError(f"--ram does not apply to {gpus[0].name}: its memory is unified")
        ram_bytes = parse_ram(ram)
    if not gpus and not ram_bytes:
        raise BuildError("describe the hardware with --gpu, --mac or --ram")
    if len(gpus) * machines > 512:
        raise BuildError(f"{len(gpus)} GPUs x {machines} machines is more than llmtui plans for (512)")
    return Build(
        name=name or "",
        gpus=tuple(gpus),
        ram_bytes=ram_bytes,
        machines=machines,
        network=network,
        wired_limit_mb=wired_limit_mb,
        source="planned",
    )


# --- Knobs: the backend, the host's RAM, a GPU described by numbers ---------------------------------


def _platform_class(memory_type: str, bandwidth_gbs: float) -> str:
    if memory_type.upper().startswith("LPDDR"):
        return "lpddr"
    return "server" if bandwidth_gbs >= 150 else "desktop"


def ram_class(build: Build) -> str:
    """desktop | server | lpddr: which calibrated share of its bandwidth the host's RAM reaches.
    A unified-memory machine's CPU reads the same LPDDR as its GPU."""
    if build.ram_class:
        return build.ram_class
    if build.unified:
        return "lpddr"
    return _platform_class("", build.ram_bandwidth_gbs)


def check_backend(build: Build, backend: str) -> None:
    if backend not in BACKENDS:
        raise BuildError(f"unknown backend '{backend}' (use one of {', '.join(BACKENDS)})")
    if backend == "cpu":
        return
    for g in build.gpus:
        vendor = g.vendor if g.vendor in ("NVIDIA", "AMD", "Intel", "Apple") else "Other"
        if vendor not in BACKEND_VENDORS[backend]:
            fits = [k for k, v in BACKEND_VENDORS.items() if vendor in v] + ["cpu"]
            raise BuildError(f"--backend {backend} does not drive {g.name} ({g.vendor}); use {' or '.join(fits)}")


def ram_platform(catalog: Catalog, text: str) -> Device:
    d = catalog.device(text.strip()) if isinstance(text, str) else None
    if d is None or d.kind != "cpu":
        raise BuildError(f"unknown RAM platform '{text}'{_closest(catalog, str(text), {'cpu'})}")
    return d


_CUSTOM_KEYS = ("memory", "bandwidth", "fp16", "vendor", "name", "count")


def parse_custom_gpu(spec: str) -> list[GPU]:
    """'memory=24GB,bandwidth=936,fp16=71,vendor=nvidia,count=2': a GPU by its numbers (memory as sold,
    bandwidth in GB/s, dense FP16 TFLOPS), for hardware the catalogue lacks."""
    from .boundary import InputError
    from .boundary.numbers import number, ram_bytes, whole

    if not isinstance(spec, str) or not spec.strip():
        raise BuildError("--custom-gpu is empty; write it like memory=24GB,bandwidth=936,fp16=71")
    fields: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in _CUSTOM_KEYS:
            raise BuildError(
                f"--custom-gpu: '{part.strip()[:40]}' is not one of {', '.join(k + '=...' for k in _CUSTOM_KEYS)}"
            )
        fields[key] = value.strip()
    for need in ("memory", "bandwidth"):
        if need not in fields:
            raise BuildError(f"--custom-gpu needs {need}=... (memory=24GB,bandwidth=936)")
    vendors = {"nvidia": "NVIDIA", "amd": "AMD", "intel": "Intel", "other": "Other"}
    vendor = vendors.get(fields.get("vendor", "other").lower())
    if vendor is None:
        raise BuildError(f"--custom-gpu: vendor must be one of {', '.join(vendors)}")
    try:
        mem = ram_bytes(fields["memory"], "--custom-gpu memory")
        bw = number(fields["bandwidth"], "--custom-gpu bandwidth", lo=1, hi=100_000, what="a bandwidth in GB/s")
        fp16 = number(fields.get("fp16", "0"), "--custom-gpu fp16", lo=0, hi=100_000, what="dense FP16 TFLOPS")
        count = whole(fields.get("count", "1"), "--custom-gpu count", lo=1, hi=MAX_GPUS)
    except InputError as e:
        raise BuildError(str(e)) from None
    from .boundary.text import one_line

    label = one_line(fields.get("name", ""), limit=40) or f"custom GPU ({mem / GiB:g} GB, {bw:g} GB/s)"
    g = GPU(label, vendor, mem, bw, fp16_tflops=fp16, custom=True, bandwidth_source="given (--custom-gpu)")
    return [g] * count


def with_knobs(
    build: Build,
    catalog: Catalog,
    *,
    backend: str | None = None,
    ram_bandwidth: object = None,
    platform: str | None = None,
    custom_gpu: str | None = None,
) -> Build:
    """The build with the user's knobs applied: extra GPUs by numbers, the host's RAM platform or its
    bandwidth in GB/s, the llama.cpp backend. One function for the CLI, profiles and the planner."""
    from .boundary import InputError
    from .boundary.numbers import number

    b = build
    if custom_gpu:
        extra = parse_custom_gpu(custom_gpu)
        if b.unified:
            raise BuildError("--custom-gpu cannot join a unified-memory machine")
        b = replace(b, gpus=b.gpus + tuple(extra))
        if len(b.gpus) > MAX_GPUS:
            raise BuildError(f"{len(b.gpus)} GPUs in one machine is more than llmtui plans for ({MAX_GPUS})")
    if platform:
        d = ram_platform(catalog, platform)
        b = replace(
            b,
            ram_bandwidth_gbs=d.bandwidth_gbs,
            ram_bandwidth_note=f"{d.name} (catalogue peak)",
            ram_platform=d.id,
            ram_class=_platform_class(
                d.memory_type if d.memory_type.upper().startswith("LPDDR") else "", d.bandwidth_gbs
            ),
        )
    if ram_bandwidth is not None:
        try:
            gbs = number(ram_bandwidth, "--ram-bandwidth", lo=1, hi=20_000, what="a bandwidth in GB/s", example="96")
        except InputError as e:
            raise BuildError(str(e)) from None
        b = replace(b, ram_bandwidth_gbs=gbs, ram_bandwidth_note="given (--ram-bandwidth)", ram_platform="")
    if backend:
        key = backend.strip().lower()
        check_backend(b, key)
        b = replace(b, backend=key)
        if b.calibration is not None and b.calibration.backend != key:
            b = replace(b, calibration=None)
    return b
