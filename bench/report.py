#!/usr/bin/env python3
"""Renders bench/run.sh's JSON results as the Markdown report (machine, GhostCrate vs nginx, ratios, targets)."""
import argparse
import glob
import json
import os
import platform
import statistics
import subprocess

ap = argparse.ArgumentParser()
for name in ("results", "main", "crates", "duration", "nginx", "wrk", "cargo", "dotnet"):
    ap.add_argument("--" + name, required=True)
ap.add_argument("--repeat", type=int, default=1)
ap.add_argument("--setup", default="anonymous")
a = ap.parse_args()
R = a.results


def load(name):
    path = os.path.join(R, name + ".json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def median_run(name, who):
    """The run with the median requests/s among NAME-WHO-1..repeat (the servers were measured in turns)."""
    runs = [r for r in (load(f"{name}-{who}-{k}") for k in range(1, a.repeat + 1)) if r.get("duration_us")]
    if not runs:
        return load(f"{name}-{who}")
    runs.sort(key=lambda r: r["requests"] / r["duration_us"])
    best = dict(runs[(len(runs) - 1) // 2])
    best["all_rps"] = [r["requests"] / (r["duration_us"] / 1e6) for r in runs]
    return best


def cpu_us(r):
    """Server CPU (user + system, every thread or worker) per request, in microseconds."""
    if not r.get("requests") or "server_cpu_ticks" not in r:
        return None
    return r["server_cpu_ticks"] / r["ticks_per_second"] * 1e6 / r["requests"]


def rps(r):
    return r["requests"] / (r["duration_us"] / 1e6) if r.get("duration_us") else None


def mbps(r):
    return r["bytes"] / (r["duration_us"] / 1e6) / 1e6 if r.get("duration_us") else None


def ms(us):
    return None if us is None else us / 1000.0


def fmt(v, digits=0):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}"


def ratio(g, n):
    return None if not g or not n else g / n


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def cmd(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return ""


cpu = next((l.split(":", 1)[1].strip() for l in cmd("lscpu").splitlines() if l.startswith("Model name")), platform.processor())
mem_gib = next((int(l.split()[1]) / 1024 / 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
osname = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME")), "")
manifest = json.load(open(os.path.join(a.main, "manifest.json")))
n = int(a.crates)

# What each setup is (bench/README.md, "What each figure means"), and its targets from issue 24: throughput ratio of
# index files and 304s, of small downloads (None: no target), and the largest p99 ratio of index files and 304s.
SETUPS = {
    "anonymous": ("(a) anonymous", "SQLite + file-system storage (the default), no token", 0.9, 0.9, 2.0),
    "auth-required": ("(b) auth-required", "SQLite + file-system storage, `Registry:AuthRequired=true`, a read-only API token (made with PUT /api/v1/me/tokens) sent as `Authorization` on every request; nginx serves the same files with no auth and is sent the same header", 0.9, 0.9, 2.0),
    "proxy": ("(c) proxy mount, every file cached", "the `crates-io` proxy mount (empty data directory, SQLite + files, Ttl 1 day) with nginx serving the dataset as its upstream; every index file and download fetched through the mount once before measuring; GhostCrate's paths are under /crates-io/", 0.9, 0.9, 2.0),
    "proxy-cold": ("(e) first build through the proxy", "cargo generate-lockfile + cargo fetch from an empty CARGO_HOME, through the `crates-io` proxy mount of a GhostCrate on a fresh data directory per run (upstream: nginx serving the dataset), against nginx directly, the server warmed up first through a second mount of the same upstream (crates outside the project); then once more through the warm proxy; and through a server started just before and not warmed up (fresh process)", None, None, None),
    "cluster": ("(d) two nodes behind a load balancer", "two nodes on one PostgreSQL and one s3rver (dataset moved there with `ghostcrate backup create` + `backup restore`), nginx as the load balancer (upstream block, keepalive) in front of both; GhostCrate's CPU is both nodes' plus the balancer's workers", 0.7, None, None),
}
title, describe, t_read, t_small, t_p99 = SETUPS[a.setup]

print(f"# GhostCrate vs nginx, N = {n:,} crates, setup {title}\n")
print(f"- Machine: {cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB RAM, {osname}, Linux {platform.release()}")
print(f"- Software: .NET SDK {a.dotnet}, nginx {a.nginx}, {a.wrk}, {a.cargo}; GhostCrate Release build published ReadyToRun (framework-dependent, linux-x64)")
print(f"- Setup `{a.setup}`: {describe}")
print(f"- Registry: {manifest['crates']:,} crates, {manifest['versions']:,} versions, {manifest['index_bytes'] / 1e6:.1f} MB of index files, "
      f"{manifest['crate_files']:,} .crate files (3 of them 5 MB); generated through PublishService at {manifest['publishes_per_second']:.0f} publishes/s")
if a.setup == "proxy-cold":
    print(f"- Load: cargo alone, one command at a time, {a.repeat} runs of each (nginx, empty proxy, warm proxy, empty proxy in a fresh process) taken in turns; client and servers on the same 2 cores")
else:
    print(f"- Load: wrk -t2, {a.duration} s per run, {a.repeat} runs per server and measurement taken in turns (median run shown), "
          f"client and server on the same 2 cores; nginx serves the exported bytes (sendfile, open_file_cache, etag) at the same URLs")
def text(name):
    try:
        return open(os.path.join(R, name)).read().strip()
    except OSError:
        return "?"


print(f"- Load average (1/5/15 min) before the run: {text('load-before.txt')}, after: {text('load-after.txt')} "
      f"(other work on the machine shares the {os.cpu_count()} cores and skews every figure)")
same = load("same-bytes")
if same:
    print(f"- Same bytes: {same['sampled'] - same['mismatched']}/{same['sampled']} sampled files (index files; downloads too outside the anonymous setup) byte-identical between the two servers")
print()

def target(value, limit, lower_is_better=False):
    """The target cell and its verdict for a ratio."""
    if limit is None:
        return "| |"
    sign = "<=" if lower_is_better else ">="
    ok = None if value is None else (value <= limit if lower_is_better else value >= limit)
    return f"{sign} {limit:g} | {verdict(ok)} |"


def cold_table():
    """Setup proxy-cold: cargo's times per run, medians and ratios against nginx."""
    def runs(name):
        try:
            return [json.loads(l) for l in open(os.path.join(R, f"cold-{name}.jsonl")) if l.strip()]
        except OSError:
            return []
    ng, cold, warm, fresh = runs("ng"), runs("gc-cold"), runs("gc-warm"), runs("gc-fresh")
    med = lambda rs, k: statistics.median(r[k] for r in rs) / 1000 if rs else None
    print("## First build through the proxy, next to nginx\n")
    print("| measurement (median of the runs, s) | through the proxy | nginx directly | proxy/nginx (lower is better) | target | |")
    print("|---|---:|---:|---:|---|---|")
    for label, rs in (("empty proxy cache", cold), ("warm proxy cache", warm), ("empty proxy cache, fresh process (not the target's figure)", fresh)):
        if not rs:
            continue
        for key, what in (("lockfile_ms", "cargo generate-lockfile"), ("fetch_ms", "cargo fetch")):
            g, x = med(rs, key), med(ng, key)
            r = ratio(g, x)
            print(f"| {what}, {label} | {fmt(g, 2)} | {fmt(x, 2)} | {fmt(r, 2)} | {target(r, 1.2, True) if rs is not fresh else '| |'}")
    pk = sorted({r["packages"] for r in ng + cold + warm + fresh})
    files = sorted({r["crate_files"] for r in ng + cold + warm + fresh})
    print()
    print(f"Packages in Cargo.lock: {pk}; .crate files fetched per run: {files} (one value each when every run resolved and fetched the same).")
    for label, rs in (("nginx", ng), ("proxy, empty cache", cold), ("proxy, warm cache", warm), ("proxy, empty cache, fresh process", fresh)):
        if not rs:
            continue
        print(f"- {label}, every run (lockfile / fetch, ms): " + "; ".join(f"{r['lockfile_ms']} / {r['fetch_ms']}" for r in rs))
    print()


def read_table():
    ig, ing = median_run("index", "gc"), median_run("index", "ng")
    rg, rn = median_run("revalidate", "gc"), median_run("revalidate", "ng")
    sg, sn = median_run("download-small", "gc"), median_run("download-small", "ng")
    bg, bn = median_run("download-big", "gc"), median_run("download-big", "ng")
    r_index = ratio(rps(ig), rps(ing))
    r_reval = ratio(rps(rg), rps(rn))
    r_small = ratio(mbps(sg), mbps(sn))
    r_big = ratio(mbps(bg), mbps(bn))
    p_index = ratio(ig.get("p99_us"), ing.get("p99_us"))
    p_reval = ratio(rg.get("p99_us"), rn.get("p99_us"))

    print("## GhostCrate next to nginx\n")
    print("| measurement | GhostCrate | nginx | GhostCrate/nginx | target | |")
    print("|---|---:|---:|---:|---|---|")
    print(f"| sparse index, warm (32 conn): requests/s | {fmt(rps(ig))} | {fmt(rps(ing))} | {fmt(r_index, 2)} | {target(r_index, t_read)}")
    print(f"| sparse index: p50 latency, ms | {fmt(ms(ig.get('p50_us')), 2)} | {fmt(ms(ing.get('p50_us')), 2)} | {fmt(ratio(ig.get('p50_us'), ing.get('p50_us')), 2)} | | |")
    print(f"| sparse index: p99 latency, ms | {fmt(ms(ig.get('p99_us')), 2)} | {fmt(ms(ing.get('p99_us')), 2)} | {fmt(p_index, 2)} | {target(p_index, t_p99, True)}")
    print(f"| revalidation (If-None-Match -> 304): requests/s | {fmt(rps(rg))} | {fmt(rps(rn))} | {fmt(r_reval, 2)} | {target(r_reval, t_read)}")
    print(f"| sparse index: server CPU per request, us | {fmt(cpu_us(ig), 1)} | {fmt(cpu_us(ing), 1)} | {fmt(ratio(cpu_us(ig), cpu_us(ing)), 2)} | | |")
    print(f"| revalidation: p50 latency, ms | {fmt(ms(rg.get('p50_us')), 2)} | {fmt(ms(rn.get('p50_us')), 2)} | {fmt(ratio(rg.get('p50_us'), rn.get('p50_us')), 2)} | | |")
    print(f"| revalidation: p99 latency, ms | {fmt(ms(rg.get('p99_us')), 2)} | {fmt(ms(rn.get('p99_us')), 2)} | {fmt(p_reval, 2)} | {target(p_reval, t_p99, True)}")
    print(f"| revalidation: server CPU per request, us | {fmt(cpu_us(rg), 1)} | {fmt(cpu_us(rn), 1)} | {fmt(ratio(cpu_us(rg), cpu_us(rn)), 2)} | | |")
    print(f"| .crate downloads, small (~2 KB, 32 conn): MB/s | {fmt(mbps(sg), 1)} | {fmt(mbps(sn), 1)} | {fmt(r_small, 2)} | {target(r_small, t_small)}")
    print(f"| .crate downloads, small: requests/s | {fmt(rps(sg))} | {fmt(rps(sn))} | | | |")
    print(f"| .crate downloads, small: p50 / p99 latency, ms | {fmt(ms(sg.get('p50_us')), 2)} / {fmt(ms(sg.get('p99_us')), 2)} | {fmt(ms(sn.get('p50_us')), 2)} / {fmt(ms(sn.get('p99_us')), 2)} | | | |")
    print(f"| .crate downloads, small: server CPU per request, us | {fmt(cpu_us(sg), 1)} | {fmt(cpu_us(sn), 1)} | {fmt(ratio(cpu_us(sg), cpu_us(sn)), 2)} | | |")
    if bg or bn:
        print(f"| .crate downloads, 5 MB (8 conn): MB/s | {fmt(mbps(bg))} | {fmt(mbps(bn))} | {fmt(r_big, 2)} | {target(r_big, t_small)}")

    lg, ln = load("lockfile-gc"), load("lockfile-ng")
    if lg and ln:
        tg, tn = lg["results"][0], ln["results"][0]
        packages = open(os.path.join(R, "lockfile-gc-packages.txt")).read().strip()
        print(f"| cargo generate-lockfile, cold CARGO_HOME, {packages} packages: median s (time, lower is better) | "
              f"{tg['median']:.2f} | {tn['median']:.2f} | {tg['median'] / tn['median']:.2f} | | |")
    print()
    print("Every run, requests/s (GhostCrate / nginx): " + "; ".join(
        f"{label} {'/'.join(fmt(v) for v in g.get('all_rps', []))} | {'/'.join(fmt(v) for v in ng.get('all_rps', []))}"
        for label, g, ng in (("index", ig, ing), ("304", rg, rn), ("small", sg, sn), ("5 MB", bg, bn)) if g or ng) + ".")
    errors = [k for k, r in (("index", ig), ("revalidate", rg), ("small", sg), ("big", bg)) if r.get("status_errors") or r.get("socket_errors")]
    print()
    if errors:
        print(f"Errors were seen in: {', '.join(errors)} (see the raw wrk output).\n")


def failover_line():
    """Setup cluster: wrk through the balancer while one node is killed; every failed request counts."""
    f = load("failover")
    if not f:
        return
    failed = f.get("status_errors", 0) + f.get("socket_errors", 0)
    print("## Failover\n")
    print(f"wrk replaying index files through the balancer for {a.duration} s (32 conn), node B killed with SIGKILL after "
          f"{f.get('kill_after_s', '?')} s: {fmt(f.get('requests'))} requests, {f.get('status_errors', '?')} non-2xx/3xx answers, "
          f"{f.get('socket_errors', '?')} socket errors. Target: no failed request: {verdict(failed == 0)}\n")


if a.setup == "proxy-cold":
    cold_table()
else:
    read_table()
if a.setup == "cluster":
    failover_line()
if a.setup != "anonymous":
    raise SystemExit(0)

print("## GhostCrate alone\n")
print("| measurement | value | target | |")
print("|---|---:|---|---|")
search = load("search-gc")
p99 = ms(search.get("p99_us"))
print(f"| search at N = {n:,} (4 conn): requests/s | {fmt(rps(search))} | | |")
print(f"| search: p50 / p99 latency, ms | {fmt(ms(search.get('p50_us')), 1)} / {fmt(p99, 1)} | p99 < 50 | {verdict(None if p99 is None else p99 < 50)} |")
pub = load("publish")
if pub:
    print(f"| publish into N = {n:,} (4 concurrent publishers, {pub['seconds']:.0f} s): publishes/s | {pub['per_second']:.1f} ({pub['publishes']} ok, {pub['errors']} failed) | | |")
    print(f"| publish: p50 / p99 latency, ms | {pub['p50_ms']:.0f} / {pub['p99_ms']:.0f} | p99 < 500 | {verdict(pub['p99_ms'] < 500)} |")
print()

print("## Cost by size\n")
print("| crates | start-up to /ready, ms (median of 3) | peak RSS, MB | targets |")
print("|---:|---:|---:|---|")
for path in sorted(glob.glob(os.path.join(R, "size-n*.json")), key=lambda p: int(os.path.basename(p)[6:-5])):
    size = json.load(open(path))
    startup = statistics.median(size["startup_ms"])
    rss = size["peak_rss_mb"]
    note = f"start-up < 2000 ms: {verdict(startup < 2000)}"
    if size["n"] >= 100000:
        note += f"; RSS < 300 MB: {verdict(rss < 300)}"
    extra = f" (reads only: {size['peak_rss_read_mb']})" if "peak_rss_read_mb" in size else ""
    print(f"| {size['n']:,} | {startup:.0f} | {rss}{extra} | {note} |")
print()
print("Peak RSS is VmHWM after the whole run at that size (every index file requested; for the main size also downloads, "
      "search, cargo and publish). Start-up is measured from spawning the process to the first 200 of GET /ready.")
