#!/usr/bin/python3
"""Run peer vector-search systems (hnswlib, faiss) on the Java harness's data.

Reads base/query vectors (.fvecs) and exact top-k ground truth (.ivecs) per
filter, builds each peer index, searches one query at a time on one thread, and
prints one JSON object per (system, filter, parameter value) on stdout. Row i
has category i % 100; a filter keeps the rows whose category is below a bound.
Progress and errors go to stderr, so stdout stays machine-readable JSON lines.

Run with Debian's interpreter, which has the peers installed:
    /usr/bin/python3 peers.py --base b.fvecs --queries q.fvecs \
        --truth none:100:t.ivecs --truth 10%:10:t10.ivecs \
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
    # the Java harness warms every system up too
    for i in range(min(100, len(queries))):
        search_one(queries[i:i + 1])
    start = time.perf_counter()
    for i in range(len(queries)):
        # a (1, d) slice, so each call is a single-query search
        found[i] = search_one(queries[i:i + 1])
    return found, time.perf_counter() - start


def row(args, system, flt, parameter, value, found, seconds, build_seconds):
    nq = len(found)
    return {
        "dataset": args.dataset,
        "system": system,
        "workload": "search",
        "filter": flt.label,
        "threads": 1,
        "parameter": parameter,
        "value": value,
        "recall": recall_at_k(found, flt.truth[:nq], args.k),
        "qps": nq / seconds if seconds > 0 else float(nq),
        "queries": nq,
        # FAISS pads a short answer with id -1
        "short_results": int(np.sum(np.any(found < 0, axis=1))),
        "build_seconds": build_seconds,
    }


class Filter:
    """One --truth argument: label, category bound and its exact top-k ids."""

    def __init__(self, spec, k, n):
        self.label, below, path = spec.split(":", 2)
        self.below = int(below)
        truth = read_vecs(path, np.int32)
        if truth.shape[1] < k:
            sys.exit(f"{path}: only {truth.shape[1]} ids per query, k={k}")
        # the truth file may hold more than k neighbours; recall@k uses the first k
        self.truth = truth[:, :k]
        self.unfiltered = self.below >= 100
        self.mask = (np.arange(n) % 100) < self.below

    def selector(self, faiss):
        """An IDSelectorBitmap of the accepted ids (None without a filter); keep a reference
        to the bitmap as long as the selector is used."""
        if self.unfiltered:
            return None
        self.bitmap = np.packbits(self.mask.astype(np.uint8), bitorder="little")
        return faiss.IDSelectorBitmap(len(self.mask), faiss.swig_ptr(self.bitmap))


def run_hnswlib(args, base, queries):
    import hnswlib

    n, d = base.shape
    # vectors are already normalized for cosine, so inner product == cosine
    space = "ip" if args.metric == "cosine" else "l2"
    index = hnswlib.Index(space=space, dim=d)
    start = time.perf_counter()
    index.init_index(max_elements=n, ef_construction=args.ef_construction,
                     M=args.m, random_seed=100)
    index.add_items(base, np.arange(n), num_threads=args.build_threads)
    build = time.perf_counter() - start
    log(f"hnswlib: built {n} vectors in {build:.2f}s")
    index.set_num_threads(1)
    for flt in args.filters:
        if not flt.unfiltered:
            emit({"dataset": args.dataset, "system": "hnswlib", "filter": flt.label,
                  "error": "hnswlib 0.6.2 (Debian 12) has no filtered search:"
                           " knn_query's filter argument came in 0.7"})
            continue
        for ef in args.ef_search:
            index.set_ef(max(ef, args.k))  # hnswlib needs ef >= k
            found, secs = timed_search(
                lambda q: index.knn_query(q, k=args.k, num_threads=1)[0][0],
                queries, args.k)
            emit(row(args, "hnswlib", flt, "ef_search", ef, found, secs, build))


def faiss_metric(faiss, args):
    return faiss.METRIC_INNER_PRODUCT if args.metric == "cosine" else faiss.METRIC_L2


def run_faiss_hnsw(faiss, args, base, queries):
    d = base.shape[1]
    index = faiss.IndexHNSWFlat(d, args.m, faiss_metric(faiss, args))
    index.hnsw.efConstruction = args.ef_construction
    start = time.perf_counter()
    faiss.omp_set_num_threads(args.build_threads)
    index.add(base)
    faiss.omp_set_num_threads(1)
    build = time.perf_counter() - start
    log(f"faiss-hnsw: built {len(base)} vectors in {build:.2f}s")
    for flt in args.filters:
        sel = flt.selector(faiss)
        for ef in args.ef_search:
            # same rule as hnswlib: ef >= k. FAISS 1.7.3 ignores SearchParametersHNSW.efSearch
            # and searches with the index's own, so set that; the parameters carry the filter.
            index.hnsw.efSearch = max(ef, args.k)
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(ef, args.k))
            found, secs = timed_search(
                lambda q: index.search(q, args.k, params=params)[1][0], queries, args.k)
            emit(row(args, "faiss-hnsw", flt, "ef_search", ef, found, secs, build))


def run_faiss_flat(faiss, args, base, queries):
    d = base.shape[1]
    index = faiss.IndexFlatIP(d) if args.metric == "cosine" else faiss.IndexFlatL2(d)
    start = time.perf_counter()
    index.add(base)
    build = time.perf_counter() - start
    exact = queries[:args.exact_queries]
    for flt in args.filters:
        params = faiss.SearchParameters(sel=flt.selector(faiss))
        found, secs = timed_search(
            lambda q: index.search(q, args.k, params=params)[1][0], exact, args.k)
        emit(row(args, "faiss-flat", flt, None, None, found, secs, build))


def run_faiss_ivf(faiss, args, base, queries):
    d = base.shape[1]
    metric = faiss_metric(faiss, args)
    quantizer = (faiss.IndexFlatIP(d) if metric == faiss.METRIC_INNER_PRODUCT
                 else faiss.IndexFlatL2(d))
    index = faiss.IndexIVFFlat(quantizer, d, args.nlist, metric)
    start = time.perf_counter()
    faiss.omp_set_num_threads(args.build_threads)
    index.train(base)  # k-means on the whole base set
    index.add(base)
    faiss.omp_set_num_threads(1)
    build = time.perf_counter() - start
    log(f"faiss-ivf: trained+built {len(base)} vectors in {build:.2f}s")
    for flt in args.filters:
        sel = flt.selector(faiss)
        for nprobe in args.nprobe:
            params = faiss.SearchParametersIVF(sel=sel, nprobe=nprobe)
            found, secs = timed_search(
                lambda q: index.search(q, args.k, params=params)[1][0], queries, args.k)
            emit(row(args, "faiss-ivf", flt, "nprobe", nprobe, found, secs, build))


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
    p.add_argument("--truth", action="append", required=True,
                   help="LABEL:BELOW:PATH, exact top-k ids (.ivecs) of the rows with"
                        " id %% 100 < BELOW; BELOW 100 is no filter; repeatable")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--metric", choices=["l2", "cosine"], default="l2")
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=100)
    p.add_argument("--ef-search", type=int_list, default=[10, 20, 40, 80, 160])
    p.add_argument("--nlist", type=int, default=0,
                   help="FAISS IVF lists; default about sqrt(rows), as Quiver's IVF_FLAT")
    p.add_argument("--nprobe", type=int_list, default=[1, 2, 4, 8, 16, 32])
    p.add_argument("--exact-queries", type=int, default=200,
                   help="queries timed for exact search")
    p.add_argument("--build-threads", type=int, default=2)
    p.add_argument("--systems", default="hnswlib,faiss-hnsw,faiss-flat,faiss-ivf")
    p.add_argument("--dataset", required=True)
    args = p.parse_args()

    base = read_vecs(args.base, np.float32)
    queries = read_vecs(args.queries, np.float32)
    if base.shape[1] != queries.shape[1]:
        sys.exit(f"dimension mismatch: base {base.shape[1]}, queries {queries.shape[1]}")
    args.filters = [Filter(spec, args.k, len(base)) for spec in args.truth]
    for flt in args.filters:
        if len(flt.truth) != len(queries):
            sys.exit(f"truth {flt.label} has {len(flt.truth)} rows, not {len(queries)}")
    if args.nlist <= 0:
        args.nlist = max(1, int(round(len(base) ** 0.5)))
    systems = set(args.systems.split(","))
    if args.metric == "cosine":
        base, queries = normalize(base), normalize(queries)
    log(f"{args.dataset}: {base.shape[0]} base x {base.shape[1]}d, "
        f"{len(queries)} queries, k={args.k}, metric={args.metric}")

    if "hnswlib" in systems:
        try:
            import hnswlib  # noqa: F401 - availability check only
        except ImportError:
            emit({"dataset": args.dataset, "system": "hnswlib",
                  "error": "not installed: apt-get install python3-hnswlib"})
        else:
            guarded(args, "hnswlib", run_hnswlib, args, base, queries)

    faiss_systems = [s for s in ("faiss-hnsw", "faiss-flat", "faiss-ivf") if s in systems]
    if faiss_systems:
        try:
            import faiss
        except ImportError:
            emit({"dataset": args.dataset, "system": "faiss",
                  "error": "not installed: apt-get install python3-faiss"})
        else:
            # one OpenMP thread to search, like the single-threaded peers
            faiss.omp_set_num_threads(1)
            runners = {"faiss-hnsw": run_faiss_hnsw, "faiss-flat": run_faiss_flat,
                       "faiss-ivf": run_faiss_ivf}
            for system in faiss_systems:
                guarded(args, system, runners[system], faiss, args, base, queries)


if __name__ == "__main__":
    main()
