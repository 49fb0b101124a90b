# ruff: noqa: E501 - the probe is a string of remote code, kept readable as it is sent
"""The script `llmtui remote` sends to a remote Python over ssh (stdin). Standard library only,
Python 3.6 or newer, read-only: it collects the files and command outputs that llmtui's detection
parses and prints them as one JSON object. The parsing happens here, with the same code as a
local `llmtui detect`."""

from .hardware.running import BUDGET_S, DEFAULT_PORTS, MAX_ANSWER, OLLAMA_DEFAULT, PATHS, TIMEOUT_S

MAX_HTTP_TOTAL = 4_000_000  # characters of server answers in one probe answer

_TEMPLATE = r"""
import glob, json, os, subprocess, sys, time

def read(p):
    try:
        with open(p, "r", errors="replace") as f:
            return f.read()
    except Exception:
        return None

def run(cmd, timeout=10):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout,
                           universal_newlines=True)
        return [p.returncode, p.stdout]
    except FileNotFoundError:
        return [127, ""]
    except Exception:
        return [124, ""]

out = {"version": 1, "platform": sys.platform, "python": sys.version.split()[0], "files": {}, "exists": [],
       "env": {}, "commands": {}}
for k in ("CUDA_VISIBLE_DEVICES", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "container", "OLLAMA_HOST",
          "LLMTUI_SERVERS"):
    if k in os.environ:
        out["env"][k] = os.environ[k]
paths = ["/proc/meminfo", "/proc/cpuinfo", "/proc/self/cgroup", "/proc/1/cgroup", "/proc/sys/kernel/osrelease",
         "/sys/fs/cgroup/cgroup.controllers"]
cg = read("/proc/self/cgroup") or ""
for line in cg.splitlines():
    parts = line.split(":", 2)
    if len(parts) != 3:
        continue
    rel = parts[2].strip("/").split("/") if parts[2].strip("/") else []
    bases = ["/sys/fs/cgroup"] if parts[1] == "" else ["/sys/fs/cgroup/" + c for c in (parts[1], "memory", "cpu", "cpu,cpuacct")]
    for base in bases:
        for i in range(len(rel), -1, -1):
            d = "/".join([base] + rel[:i])
            for name in ("memory.max", "memory.current", "cpu.max", "memory.limit_in_bytes", "memory.usage_in_bytes",
                         "cpu.cfs_quota_us", "cpu.cfs_period_us"):
                paths.append(d + "/" + name)
for card in glob.glob("/sys/class/drm/card[0-9]*"):
    if "-" in os.path.basename(card):
        continue
    for name in ("device/vendor", "device/device", "device/mem_info_vram_total", "device/mem_info_vram_used",
                 "device/mem_info_gtt_total", "device/mem_info_gtt_used", "device/product_name", "device/uevent",
                 "lmem_total_bytes"):
        paths.append(card + "/" + name)
for p in paths:
    text = read(p)
    if text is not None:
        out["files"][p] = text
for p in ("/.dockerenv", "/run/.containerenv"):
    if os.path.exists(p):
        out["exists"].append(p)
if sys.platform == "darwin":
    for key in ("machdep.cpu.brand_string", "hw.memsize", "iogpu.wired_limit_mb", "hw.physicalcpu", "hw.logicalcpu"):
        out["commands"]["sysctl -n " + key] = run(["sysctl", "-n", key])
    out["commands"]["system_profiler SPDisplaysDataType -json"] = run(["system_profiler", "SPDisplaysDataType", "-json"], 20)
    out["commands"]["vm_stat"] = run(["vm_stat"])
out["nvidia_smi"] = run(["nvidia-smi", "--query-gpu=index,name,uuid,pci.device_id,pci.bus_id,memory.total,memory.used,"
                         "memory.free,compute_cap,power.limit,clocks.max.memory,driver_version", "--format=csv,noheader,nounits"])
apps = run(["nvidia-smi", "--query-compute-apps=gpu_uuid,pid,process_name,used_memory", "--format=csv,noheader,nounits"])
out["nvidia_smi_apps"] = apps
if apps[0] == 0:
    for line in apps[1].splitlines()[:256]:
        parts = [x.strip() for x in line.split(",")]
        if len(parts) >= 2 and parts[1].isdigit():
            text = read("/proc/" + parts[1] + "/cmdline")
            if text is not None:
                out["files"]["/proc/" + parts[1] + "/cmdline"] = text[:20000]

def ask_servers():
    try:
        import urllib.request as ur, urllib.error as ue
    except Exception:
        return {}
    listed = os.environ.get("LLMTUI_SERVERS")
    if listed is not None:
        urls = [] if listed.strip().lower() in ("", "none", "off") else [u.strip() for u in listed.split(",") if u.strip()][:16]
    else:
        urls = [os.environ.get("OLLAMA_HOST") or @@OLLAMA@@] + ["127.0.0.1:%d" % p for p in @@PORTS@@]
    urls = [(u if u.startswith(("http://", "https://")) else "http://" + u).rstrip("/") for u in urls]
    deadline, total, answers = time.time() + @@BUDGET@@, 0, {}
    for u in urls:
        for path in @@PATHS@@:
            left = deadline - time.time()
            if left <= 0.05 or total > @@TOTAL@@:
                answers[u + path] = [-1, "not asked: the probe's time was spent"]
                break
            try:
                req = ur.Request(u + path, headers={"Accept": "application/json, text/plain"})
                r = ur.urlopen(req, timeout=min(@@TIMEOUT@@, left))
                body = r.read(@@MAX@@ + 1).decode("utf-8", "replace")
                total += len(body)
                answers[u + path] = [r.getcode(), body]
            except ue.HTTPError as e:
                answers[u + path] = [e.code, ""]
            except Exception as e:
                reason = getattr(e, "reason", e)
                if isinstance(reason, ConnectionRefusedError):
                    text = "nothing listening (connection refused)"
                elif "timed out" in str(reason):
                    text = "no answer within @@TIMEOUT@@ s"
                else:
                    text = "not reachable (%s)" % type(reason).__name__
                answers[u + path] = [-1, text]
                break
    return answers

out["http"] = ask_servers()
print(json.dumps(out))
"""

PROBE = (
    _TEMPLATE.replace("@@OLLAMA@@", repr(OLLAMA_DEFAULT))
    .replace("@@PORTS@@", repr(tuple(DEFAULT_PORTS)))
    .replace("@@PATHS@@", repr(tuple(PATHS)))
    .replace("@@BUDGET@@", repr(BUDGET_S))
    .replace("@@TIMEOUT@@", f"{TIMEOUT_S:g}")
    .replace("@@MAX@@", str(MAX_ANSWER))
    .replace("@@TOTAL@@", str(MAX_HTTP_TOTAL))
)
