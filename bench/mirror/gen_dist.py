#!/usr/bin/env python3
"""Makes a dist tree in static.rust-lang.org's layout for bench/mirror/toolchain.sh: one stable release whose
channel manifest names N component archives of SIZE random bytes for one host, each with its `.sha256`, and the
curl list of the same archives. Only the bytes and their hashes matter to `toolchain sync`; random bytes so that no
compression flatters anyone. Unsigned: the benchmark syncs with --signatures skip."""
import hashlib, os, sys

out, count, size, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
host, date, version = "x86_64-unknown-linux-gnu", "2026-04-16", "1.95.0"
dist = os.path.join(out, "files", "dist")
os.makedirs(os.path.join(dist, date), exist_ok=True)
names, pkgs = [], []
with open(os.path.join(out, "urls.cfg"), "w") as urls:
    for i in range(count):
        name = f"comp-{i:04d}"
        rel = f"{date}/{name}-{version}-{host}.tar.xz"
        h = hashlib.sha256()
        with open(os.path.join(dist, rel), "wb") as f:
            left = size
            while left > 0:
                chunk = os.urandom(min(left, 1 << 20))
                h.update(chunk)
                f.write(chunk)
                left -= len(chunk)
        digest = h.hexdigest()
        with open(os.path.join(dist, rel + ".sha256"), "w") as f:
            f.write(f"{digest}  {os.path.basename(rel)}\n")
        names.append(name)
        pkgs.append(f'[pkg.{name}]\nversion = "{version}"\n\n[pkg.{name}.target.{host}]\navailable = true\n'
                    f'xz_url = "https://static.rust-lang.org/dist/{rel}"\nxz_hash = "{digest}"\n\n')
        urls.write(f'url = "http://127.0.0.1:{port}/dist/{rel}"\noutput = "{out}/curl-out/{os.path.basename(rel)}"\n')
refs = ", ".join(f'{{ pkg = "{n}", target = "{host}" }}' for n in names)
manifest = (f'manifest-version = "2"\ndate = "{date}"\n\n[pkg.rust]\nversion = "{version}"\n\n'
            f'[pkg.rust.target.{host}]\navailable = true\nurl = "https://static.rust-lang.org/dist/{date}/rust-{version}-{host}.tar.gz"\n'
            f'hash = "{"0" * 64}"\ncomponents = [{refs}]\n\n' + "".join(pkgs) +
            "[profiles]\ndefault = [" + ", ".join(f'"{n}"' for n in names) + "]\n").encode()
with open(os.path.join(dist, "channel-rust-stable.toml"), "wb") as f:
    f.write(manifest)
with open(os.path.join(dist, "channel-rust-stable.toml.sha256"), "w") as f:
    f.write(f"{hashlib.sha256(manifest).hexdigest()}  channel-rust-stable.toml\n")
