#!/usr/bin/env python3
"""numpy's normal equations on the shapes of the MaaS linear-fit benchmarks, and the ratios.

Times ``np.linalg.solve(A.T @ A, A.T @ y)`` (A = [1 X], the intercept column included, as MaaS fits
it) on the data kinds of LinearFitScalingBenchmark (``benchmark``: x_j ~ N(j, 1 + j/8),
y = 1 + sum x_j / (j + 1) + N(0, 1); ``ordinary``: x ~ N(0, 1), coefficients ~ N(0, 1), unit noise)
and, for the streamed CSV fit, on a 10^7 x 64 matrix held in memory. With ``--jmh`` (the jmh.json of
a ``maas-benchmarks/run`` in the same window) it prints MaaS / numpy for every matching cell, and
for LinearStreamingBenchmark also maasFitCsv / readAndParseOnly.

  python3 maas-benchmarks/scripts/numpy-linear-fit.py [--jmh RESULTS/jmh.json ...] [--repeats 7]
      [--shapes 1000000x8,1000000x64,1000000x256] [--stream 10000000x64 | --stream none]

Run it in the same quiet window as the JMH run, with the same cores.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def blas_report():
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            print("threadpoolctl: %s %s, %s threads, core %s" % (pool.get("internal_api"), pool.get("version"),
                  pool.get("num_threads"), pool.get("architecture")))
        return
    except ImportError:
        print("threadpoolctl is not installed; numpy reports:")
    try:
        np.show_runtime()
    except AttributeError:
        np.show_config()
    print("OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s" % (os.environ.get("OPENBLAS_CORETYPE"),
                                                        os.environ.get("OPENBLAS_L2_SIZE")))


def data(n, p, kind, seed=42):
    rng = np.random.default_rng(seed)
    a = np.empty((n, p + 1))
    a[:, 0] = 1
    if kind == "ordinary":
        beta = rng.standard_normal(p + 1)
        a[:, 1:] = rng.standard_normal((n, p))
    else:
        beta = np.concatenate(([1.0], 1.0 / np.arange(1, p + 1)))
        a[:, 1:] = np.arange(p) + rng.standard_normal((n, p)) * (1 + np.arange(p) / 8.0)
    y = a @ beta + rng.standard_normal(n)
    return a, y


def normal_equations_ms(a, y, repeats):
    np.linalg.solve(a.T @ a, a.T @ y)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.linalg.solve(a.T @ a, a.T @ y)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jmh", action="append", default=[],
                        help="a JMH JSON result file of the MaaS run in the same window (may repeat)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--shapes", default="1000000x8,1000000x64,1000000x256")
    parser.add_argument("--stream", default="10000000x64", help="NxP of the streamed CSV fit, or 'none'")
    args = parser.parse_args()
    blas_report()
    numpy_ms = {}
    for shape in args.shapes.split(","):
        n, p = (int(v) for v in shape.split("x"))
        for kind in ("benchmark", "ordinary"):
            a, y = data(n, p, kind)
            numpy_ms[(shape, kind)] = normal_equations_ms(a, y, args.repeats)
            del a, y
            print("numpy normal equations %s %s: %.1f ms" % (shape, kind, numpy_ms[(shape, kind)]))
    if args.stream != "none":
        n, p = (int(v) for v in args.stream.split("x"))
        a, y = data(n, p, "ordinary", seed=3)
        numpy_ms[(args.stream, "stream")] = normal_equations_ms(a, y, max(3, args.repeats // 2))
        del a, y
        print("numpy normal equations %s in memory: %.1f ms" % (args.stream, numpy_ms[(args.stream, "stream")]))
    if not args.jmh:
        return
    results = []
    for path in args.jmh:
        with open(path) as f:
            results.extend(json.load(f))
    scores = {}
    for cell in results:
        cls, method = cell["benchmark"].rsplit(".", 2)[-2:]
        params = cell.get("params", {})
        score = cell["primaryMetric"]["score"]
        unit = cell["primaryMetric"]["scoreUnit"]
        ms = score * {"ms/op": 1, "s/op": 1e3, "us/op": 1e-3}[unit]
        scores[(cls, method, tuple(sorted(params.items())))] = ms
    print()
    print("| cell | MaaS method | MaaS ms | numpy ms | MaaS / numpy |")
    print("|---|---|---|---|---|")
    for (cls, method, params), ms in sorted(scores.items()):
        params = dict(params)
        if cls == "LinearFitScalingBenchmark":
            key = (params.get("shape"), params.get("data"))
        elif cls == "LinearStreamingBenchmark":
            key = ("%sx%s" % (params.get("rows"), params.get("features")), "stream")
        else:
            continue
        if key in numpy_ms and method != "readAndParseOnly":
            print("| %s %s | %s | %.1f | %.1f | %.2f |" % (key[0], key[1], method, ms, numpy_ms[key],
                                                         ms / numpy_ms[key]))
    for (cls, method, params), ms in sorted(scores.items()):
        if cls == "LinearStreamingBenchmark" and method == "maasFitCsv":
            parse = scores.get((cls, "readAndParseOnly", params))
            if parse:
                print("streamed %s: maasFitCsv / readAndParseOnly = %.2f" % (dict(params), ms / parse))


if __name__ == "__main__":
    sys.exit(main())
