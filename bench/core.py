"""What every benchmark module shares: figures, percentiles, timing and the results file."""

import json
import os
import statistics
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    """One measured number, as README.md shapes it."""

    figure: str
    value: float | None
    unit: str
    target: str | None = None
    dataset: str = ""


@dataclass
class BenchContext:
    """What the runner hands each module: sizes to run and where results go."""

    sizes: list[int]
    out_dir: Path
    vendor: str


def sizes_from_env(default: str = "35000,350000") -> list[int]:
    """BENCH_SIZES=35000 for a quick run; the largest size is the one the targets are read at."""
    return sorted(int(size) for size in os.environ.get("BENCH_SIZES", default).split(",") if size.strip())


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@contextmanager
def stopwatch():
    """with stopwatch() as elapsed: ...; elapsed() -> seconds."""
    started = time.perf_counter()
    result = {"end": None}
    yield lambda: (result["end"] or time.perf_counter()) - started
    result["end"] = time.perf_counter()


def write_figures(out_dir: Path, name: str, figures: list[Figure]) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps([asdict(f) for f in figures], indent=2) + "\n")
    return path


def format_table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "unit", "target", "dataset")]
    for f in figures:
        value = "n/a" if f.value is None else f"{f.value:,.3f}".rstrip("0").rstrip(".")
        rows.append((f.figure, value, f.unit, f.target or "", f.dataset))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
