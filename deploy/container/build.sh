#!/usr/bin/env bash
# Builds the GhostCrate container image without Docker and without a container registry (as root):
#
#   bash deploy/container/build.sh                     # localhost/ghostcrate:VERSION
#   bash deploy/container/build.sh --tag localhost/ghostcrate:test --archive /tmp/ghostcrate.oci.tar
#
# 1. `ghostcrate` is published on this machine (scripts/publish.sh linux-x64) into artifacts/container/;
# 2. the base image localhost/ghostcrate-base:bookworm is made once from Debian's packages with debootstrap (kept for
#    later builds; `buildah rmi localhost/ghostcrate-base:bookworm` makes a new one);
# 3. buildah builds deploy/container/Containerfile from them (GHOSTCRATE_BUILD=prebuilt), in the docker format so that
#    HEALTHCHECK is kept.
# Needs buildah, podman (to import the base) and debootstrap from Debian. Prints the time of each step and the image
# size. With a registry at hand, `docker build -f deploy/container/Containerfile .` builds the same image from the
# public Debian and .NET SDK images instead.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag=""
archive=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="${2:?--tag needs a name}"; shift 2 ;;
    --archive) archive="${2:?--archive needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in buildah podman debootstrap; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install buildah podman debootstrap)" >&2; exit 1; }
done

base=localhost/ghostcrate-base:bookworm
version="$(dotnet msbuild "$repo_root/src/GhostCrate/GhostCrate.csproj" -getProperty:Version -nologo)"
commit="$(git -C "$repo_root" rev-parse HEAD 2>/dev/null || echo unknown)"
tag="${tag:-localhost/ghostcrate:$version}"
started=$SECONDS
step() { echo "==> [$((SECONDS - started))s] $*"; }

step "publishing ghostcrate (linux-x64) into artifacts/container/ghostcrate"
rm -rf "$repo_root/artifacts/container"
GHOSTCRATE_COMMIT="$commit" bash "$repo_root/scripts/publish.sh" linux-x64 "$repo_root/artifacts/container/ghostcrate"

if buildah inspect --type image "$base" >/dev/null 2>&1; then
  step "base image $base exists"
else
  step "making $base with debootstrap (Debian 12, minbase)"
  rootfs="$(mktemp -d /tmp/ghostcrate-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=ca-certificates,libssl3 bookworm "$rootfs" http://deb.debian.org/debian >"$rootfs.log" 2>&1 \
    || { tail -n 30 "$rootfs.log" >&2; exit 1; }
  rm -f "$rootfs.log"
  # Package lists, caches and downloaded .debs are not part of the base.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*
  tar -C "$rootfs" -c . | podman import --quiet - "$base" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

step "building $tag"
containers_before="$(buildah containers --quiet | sort)"
images_before="$(buildah images --quiet --filter dangling=true | sort)"
buildah bud --isolation chroot --format docker --layers=false \
  --build-arg GHOSTCRATE_BUILD=prebuilt --build-arg BASE_IMAGE="$base" \
  --build-arg GHOSTCRATE_VERSION="$version" --build-arg GHOSTCRATE_COMMIT="$commit" \
  --build-arg GHOSTCRATE_CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -f "$repo_root/deploy/container/Containerfile" -t "$tag" "$repo_root"
# buildah 1.28 (Debian 12) leaves the working container of the aliased `FROM build-...` stage behind (and its
# --force-rm fails on that stage), and the build stages' images stay as untagged images: remove what this build left.
comm -13 <(printf '%s\n' "$containers_before") <(buildah containers --quiet | sort) | xargs -r buildah rm >/dev/null
comm -13 <(printf '%s\n' "$images_before") <(buildah images --quiet --filter dangling=true | sort) | xargs -r buildah rmi >/dev/null

if [[ -n $archive ]]; then
  step "writing $archive"
  rm -f "$archive"
  podman save --format oci-archive -o "$archive" "$tag"
fi
size="$(podman image inspect --format '{{.Size}}' "$tag")"
step "done: $tag, $((size / 1024 / 1024)) MiB uncompressed (base: $(( $(podman image inspect --format '{{.Size}}' "$base") / 1024 / 1024 )) MiB)"
