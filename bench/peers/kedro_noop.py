"""Kedro running the same no-op DAGs as bench/EngineOverhead.java, in-process, SequentialRunner.

Prints: shape steps run_ms per_step_ms (median of REPS runs, after a warm-up)."""
import sys
import time

from kedro.io import DataCatalog
from kedro.pipeline import node, pipeline
from kedro.runner import SequentialRunner


def ident(x=None):
    return 1


def build(shape, n):
    nodes = []
    for i in range(n):
        if shape == "chain" and i > 0:
            nodes.append(node(ident, inputs=f"d{i-1}", outputs=f"d{i}", name=f"s{i}"))
        else:
            nodes.append(node(ident, inputs=None, outputs=f"d{i}", name=f"s{i}"))
    return pipeline(nodes)


def run_once(shape, n):
    p = build(shape, n)
    t0 = time.perf_counter()
    SequentialRunner().run(p, DataCatalog())
    return (time.perf_counter() - t0) * 1000


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    import logging
    logging.disable(logging.CRITICAL)
    run_once("chain", 10)
    print("shape  steps  run_ms  per_step_ms")
    for shape in ("chain", "fan"):
        for n in (10, 100, 1000):
            times = sorted(run_once(shape, n) for _ in range(reps))
            m = times[len(times) // 2]
            print(f"{shape:<6} {n:5d} {m:8.1f} {m / n:12.3f}")


if __name__ == "__main__":
    main()
