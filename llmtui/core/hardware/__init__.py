"""Hardware detection: NVIDIA (NVML), AMD and Intel (sysfs), Apple Silicon, the host and its
container limits. Each source is a module with pure parsers over injected inputs; probe.py runs
them off the calling thread with timeouts and turns the result into a Build."""

from .probe import DetectedMachine, DetectionJob, Probes, detect

__all__ = ["DetectedMachine", "DetectionJob", "Probes", "detect"]
