#!/usr/bin/env python3
"""Makes N fake crate files and a git-index layout for them (bench/mirror/run.sh). Only the bytes and their sha256
matter to `mirror sync`: the files are random (incompressible) so nobody's gzip flatters the numbers."""
import hashlib, json, os, sys

out, count, size, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
files, index = os.path.join(out, "files"), os.path.join(out, "index")
os.makedirs(files, exist_ok=True)
os.makedirs(index, exist_ok=True)
with open(os.path.join(index, "config.json"), "w") as f:
    json.dump({"dl": f"http://127.0.0.1:{port}/crates/{{crate}}/{{crate}}-{{version}}.crate"}, f)
with open(os.path.join(out, "urls.cfg"), "w") as urls:
    for i in range(count):
        name = f"bm-{i:06d}"
        data = os.urandom(size)
        os.makedirs(os.path.join(files, "crates", name), exist_ok=True)
        with open(os.path.join(files, "crates", name, f"{name}-1.0.0.crate"), "wb") as f:
            f.write(data)
        line = {"name": name, "vers": "1.0.0", "deps": [], "cksum": hashlib.sha256(data).hexdigest(), "features": {}, "yanked": False}
        path = os.path.join(index, name[:2], name[2:4], name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
        urls.write(f'url = "http://127.0.0.1:{port}/crates/{name}/{name}-1.0.0.crate"\noutput = "{out}/curl-out/{name}.crate"\n')
