#!/usr/bin/python3
"""Run peer vector-search systems (hnswlib, faiss) on the Java harness's data.

Reads base/query vectors (.fvecs) and exact top-k ground truth (.ivecs), builds
each peer index, searches one query at a time on one thread, and prints one JSON
object per (system, parameter value) on stdout. Progress and errors go to stderr,
so stdout stays machine-readable JSON lines.

Run with Debian's interpreter, which has the peers installed:
    /usr/bin/python3 peers.py --base b.fvecs --queries q.fvecs --truth t.ivecs \
        --k 10 --metric l2 --dataset NAME
"""

import argparse
import json
import sys
import time

import numpy as np


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def emit(obj):
    # flush per line so a consumer piping our output sees rows as they finish
    print(json.dumps(obj), flush=True)


def int_list(text):
    return [int(v) for v in text.split(",") if v.strip()]


def read_vecs(path, dtype):
    """Read .fvecs/.ivecs: per vector an int32 LE dimension, then d values."""
    raw = np.fromfile(path, dtype="<i4")
    if raw.size == 0:
        raise ValueError(f"{path}: empty file")
    d = int(raw[0])
    if d <= 0 or raw.size % (d + 1) != 0:
        raise ValueError(f"{path}: size not a multiple of 4*(1+{d}) bytes")
    rows = raw.reshape(-1, d + 1)
    if not np.all(rows[:, 0] == d):
        raise ValueError(f"{path}: vectors of differing dimension")
    # reinterpret the payload bytes; copy so the array is C-contiguous
    return np.ascontiguousarray(rows[:, 1:]).view(dtype)


def normalize(x):
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # leave zero vectors as they are
    return np.ascontiguousarray(x / norms, dtype=np.float32)


def recall_at_k(found, truth, k):
    """found, truth: (queries, k) id arrays; ids < 0 mean 'no result'."""
    hits = 0
    for f, t in zip(found, truth):
        hits += len(set(int(i) for i in f if i >= 0) & set(int(i) for i in t))
    return hits / (k * len(truth))


def timed_search(search_one, queries, k):
    """Search each query alone; time only the loop. Returns (ids, seconds)."""
    found = np.empty((len(queries), k), dtype=np.int64)
    start = time.perf_counter()
    for i in range(len(queries)):
        # a (1, d) slice, so each call is a single-query search
        found[i] = search_one(queries[i:i + 1])
    return found, time.perf_counter() - start


def row(args, system, parameter, value, found, seconds, nq, build_seconds):
    return {
        "dataset": args.dataset,
        "system": system,
        "parameter": parameter,
        "value": value,
        "recall": recall_at_k(found, args.truth_k, args.k),
        "qps": nq / seconds if seconds > 0 else float(nq),
        "queries": nq,
        "build_seconds": build_seconds,
    }


def run_hnswlib(args, base, queries):
    import hnswlib

    n, d = base.shape
    # vectors are already normalized for cosine, so inner product == cosine
    space = "ip" if args.metric == "cosine" else "l2"
    index = hnswlib.Index(space=space, dim=d)
    index.set_num_threads(1)
    start = time.perf_counter()
    index.init_index(max_elements=n, ef_construction=args.ef_construction,
                     M=args.m, random_seed=100)
    index.add_items(base, np.arange(n), num_threads=1)
    build = time.perf_counter() - start
    log(f"hnswlib: built {n} vectors in {build:.2f}s")
    for ef in args.ef_search:
        index.set_ef(max(ef, args.k))  # hnswlib needs ef >= k
        found, secs = timed_search(
            lambda q: index.knn_query(q, k=args.k, num_threads=1)[0][0],
            queries, args.k)
        emit(row(args, "hnswlib", "ef_search", ef, found, secs,
                 len(queries), build))


def faiss_metric(faiss, args):
    return faiss.METRIC_INNER_PRODUCT if args.metric == "cosine" else faiss.METRIC_L2


def run_faiss_hnsw(faiss, args, base, queries):
    d = base.shape[1]
    index = faiss.IndexHNSWFlat(d, args.m, faiss_metric(faiss, args))
    index.hnsw.efConstruction = args.ef_construction
    start = time.perf_counter()
    index.add(base)
    build = time.perf_counter() - start
    log(f"faiss-hnsw: built {len(base)} vectors in {build:.2f}s")
    for ef in args.ef_search:
        index.hnsw.efSearch = max(ef, args.k)  # same rule as hnswlib
        found, secs = timed_search(
            lambda q: index.search(q, args.k)[1][0], queries, args.k)
        emit(row(args, "faiss-hnsw", "ef_search", ef, found, secs,
                 len(queries), build))


def run_faiss_flat(faiss, args, base, queries):
    d = base.shape[1]
    index = faiss.IndexFlatIP(d) if args.metric == "cosine" else faiss.IndexFlatL2(d)
    start = time.perf_counter()
    index.add(base)
    build = time.perf_counter() - start
    found, secs = timed_search(
        lambda q: index.search(q, args.k)[1][0], queries, args.k)
    emit(row(args, "faiss-flat", None, None, found, secs, len(queries), build))


def run_faiss_ivf(faiss, args, base, queries):
    d = base.shape[1]
    metric = faiss_metric(faiss, args)
    quantizer = (faiss.IndexFlatIP(d) if metric == faiss.METRIC_INNER_PRODUCT
                 else faiss.IndexFlatL2(d))
    index = faiss.IndexIVFFlat(quantizer, d, args.nlist, metric)
    start = time.perf_counter()
    index.train(base)  # k-means on the whole base set
    index.add(base)
    build = time.perf_counter() - start
    log(f"faiss-ivf: trained+built {len(base)} vectors in {build:.2f}s")
    for nprobe in args.nprobe:
        index.nprobe = nprobe
        found, secs = timed_search(
            lambda q: index.search(q, args.k)[1][0], queries, args.k)
        emit(row(args, "faiss-ivf", "nprobe", nprobe, found, secs,
                 len(queries), build))


def guarded(args, system, fn, *fn_args):
    """Run one system; report a failure as an error row and keep going."""
    try:
        fn(*fn_args)
    except Exception as e:  # noqa: BLE001 - one peer failing must not stop the rest
        log(f"{system}: failed: {e!r}")
        emit({"dataset": args.dataset, "system": system,
              "error": f"{type(e).__name__}: {e}"})


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base", required=True, help="base vectors (.fvecs)")
    p.add_argument("--queries", required=True, help="query vectors (.fvecs)")
    p.add_argument("--truth", required=True, help="exact top-k ids (.ivecs)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--metric", choices=["l2", "cosine"], default="l2")
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=100)
    p.add_argument("--ef-search", type=int_list, default=[10, 20, 40, 80, 160])
    p.add_argument("--nlist", type=int, default=128)
    p.add_argument("--nprobe", type=int_list, default=[1, 2, 4, 8, 16, 32])
    p.add_argument("--dataset", required=True)
    args = p.parse_args()

    base = read_vecs(args.base, np.float32)
    queries = read_vecs(args.queries, np.float32)
    truth = read_vecs(args.truth, np.int32)
    if base.shape[1] != queries.shape[1]:
        sys.exit(f"dimension mismatch: base {base.shape[1]}, queries {queries.shape[1]}")
    if len(truth) != len(queries):
        sys.exit(f"truth has {len(truth)} rows but there are {len(queries)} queries")
    if truth.shape[1] < args.k:
        sys.exit(f"truth has only {truth.shape[1]} ids per query, k={args.k}")
    # the truth file may hold more than k neighbours; recall@k uses the first k
    args.truth_k = truth[:, :args.k]
    if args.metric == "cosine":
        base, queries = normalize(base), normalize(queries)
    log(f"{args.dataset}: {base.shape[0]} base x {base.shape[1]}d, "
        f"{len(queries)} queries, k={args.k}, metric={args.metric}")

    try:
        import hnswlib  # noqa: F401 - availability check only
    except ImportError:
        emit({"dataset": args.dataset, "system": "hnswlib",
              "error": "not installed: apt-get install python3-hnswlib"})
    else:
        guarded(args, "hnswlib", run_hnswlib, args, base, queries)

    try:
        import faiss
    except ImportError:
        emit({"dataset": args.dataset, "system": "faiss",
              "error": "not installed: apt-get install python3-faiss"})
    else:
        # one OpenMP thread for build and search, to compare with single-threaded peers
        faiss.omp_set_num_threads(1)
        guarded(args, "faiss-hnsw", run_faiss_hnsw, faiss, args, base, queries)
        guarded(args, "faiss-flat", run_faiss_flat, faiss, args, base, queries)
        guarded(args, "faiss-ivf", run_faiss_ivf, faiss, args, base, queries)


if __name__ == "__main__":
    main()
