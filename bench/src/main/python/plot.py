#!/usr/bin/python3
"""Plot recall@10 vs queries/s per dataset from benchmark JSON lines.

Input lines come from peers.py and from the Java harness (same fields:
dataset, system, workload, filter, recall, qps, ...). Only one-thread sweep
points ("workload": "search") are drawn; rows with "error" or without
recall/qps are skipped. Writes DIR/recall-qps-<dataset>.png (no filter) and,
when there are filtered points, DIR/recall-qps-<dataset>-filtered.png (one
panel per filter), and prints each path.

    /usr/bin/python3 plot.py --results results.jsonl --out DIR
"""

import argparse
import json
import os
import re
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # no display needed; must be set before pyplot import
import matplotlib.pyplot as plt  # noqa: E402

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]


def load(path):
    """Return {dataset: {filter: {system: [(recall, qps), ...]}}} of usable rows."""
    data = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"{path}:{lineno}: skipping non-JSON line: {e}", file=sys.stderr)
                continue
            if not isinstance(r, dict) or "error" in r:
                continue
            if r.get("workload", "search") != "search":
                continue
            recall, qps = r.get("recall"), r.get("qps")
            if not isinstance(recall, (int, float)) or not isinstance(qps, (int, float)):
                continue
            if qps <= 0:  # cannot be shown on a log axis
                continue
            dataset = str(r.get("dataset", "unknown"))
            flt = str(r.get("filter") or "none")
            data[dataset][flt][str(r.get("system", "unknown"))].append(
                (float(recall), float(qps)))
    return data


def safe_name(name):
    # dataset names become file names; keep them to a portable character set
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def draw(ax, per_system, style, title):
    for system in sorted(per_system):
        points = sorted(per_system[system])  # by recall, so the line is monotone in x
        colour, marker = style[system]
        ax.plot([r for r, _ in points], [q for _, q in points],
                color=colour, marker=marker, label=system)
    # a small pad past 1.0 so markers at perfect recall are not cut in half;
    # points below 0.5 recall are deliberately off the chart
    ax.set_xlim(0.5, 1.005)
    ax.set_yscale("log")
    ax.set_xlabel("recall@10")
    ax.set_ylabel("queries/s (log scale)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--results", required=True, help="JSON lines file")
    p.add_argument("--out", required=True, help="output directory")
    args = p.parse_args()

    data = load(args.results)
    if not data:
        sys.exit(f"{args.results}: no rows with recall and qps")
    os.makedirs(args.out, exist_ok=True)

    # fixed colour/marker per system across all datasets, so plots compare at a glance
    systems = sorted({s for per in data.values() for f in per.values() for s in f})
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    style = {s: (cycle[i % len(cycle)], MARKERS[(i // len(cycle) + i) % len(MARKERS)])
             for i, s in enumerate(systems)}

    for dataset in sorted(data):
        filters = data[dataset]
        if "none" in filters:
            fig, ax = plt.subplots(figsize=(8, 5.5))
            draw(ax, filters["none"], style,
                 f"{dataset}: recall@10 vs queries/s (one thread)")
            fig.tight_layout()
            path = os.path.join(args.out, f"recall-qps-{safe_name(dataset)}.png")
            fig.savefig(path, dpi=110)
            plt.close(fig)
            print(path)
        filtered = sorted((f for f in filters if f != "none"), key=lambda f: -float(f.rstrip("%")))
        if filtered:
            fig, axes = plt.subplots(1, len(filtered), figsize=(7 * len(filtered), 5.5),
                                     squeeze=False)
            for ax, flt in zip(axes[0], filtered):
                draw(ax, filters[flt], style, f"{dataset}, filter matching {flt} of rows")
            fig.tight_layout()
            path = os.path.join(args.out, f"recall-qps-{safe_name(dataset)}-filtered.png")
            fig.savefig(path, dpi=110)
            plt.close(fig)
            print(path)


if __name__ == "__main__":
    main()
