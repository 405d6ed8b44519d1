#!/usr/bin/env bash
# Runs every test of the repository: builds the solution once, starts throwaway PostgreSQL and S3 (s3rver) servers,
# runs each tests/*/*.csproj, the end-to-end project twice (GHOSTCRATE_E2E_BACKEND=sqlite and =postgres-s3) and its
# ContainerImageTests against a freshly built image (the container lane).
#
#   bash scripts/test.sh                         # everything
#   bash scripts/test.sh --filter Yank           # only tests whose name contains Yank (dotnet test --filter syntax:
#                                                # a bare word means FullyQualifiedName~word)
#   bash scripts/test.sh --project EndToEnd      # only test projects whose name contains EndToEnd (repeatable)
#   bash scripts/test.sh --lane sqlite           # end-to-end lane(s) to run: sqlite, postgres-s3, container (repeatable;
#                                                # container builds the image with deploy/container/build.sh, as root,
#                                                # and runs ContainerImageTests against it)
#   bash scripts/test.sh --project Web --list    # print what the other arguments select (one line per project and
#                                                # lane) and stop: nothing is installed, built or started
#   GHOSTCRATE_TEST_CONFIGURATION=Debug bash scripts/test.sh
#   GHOSTCRATE_TEST_KEEP=1 ...                   # keep the work dir (service logs, TRX files, e2e temp dirs)
#
# Works on a fresh Debian 12 machine with the .NET 10 SDK, cargo and Node 20: PostgreSQL, Chromium, gnupg, nginx,
# openssl, yamllint, python3-feedparser (and buildah, podman, debootstrap for the container lane) are installed from
# Debian when missing, s3rver, oidc-provider and maildev (SMTP) from npm by scripts/services/s3.sh, oidc.sh and
# smtp.sh (the STARTTLS tests start their own smtp-server with scripts/services/smtp-tls.sh and a certificate they
# make). Prints the slowest tests, the failed ones with the start of their messages, one line per test project and,
# as the very last line, "N passed, N failed" (", N skipped" when some were skipped). Exits non-zero when a test
# failed, a project failed to build or run, or a service did not start (each of those counts as one failure).
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root" || exit 2

configuration="${GHOSTCRATE_TEST_CONFIGURATION:-Release}"
filter="${GHOSTCRATE_TEST_FILTER:-}"
projects_wanted=()
lanes=()
list=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --filter) filter="${2:?--filter needs a value}"; shift 2 ;;
    --filter=*) filter="${1#--filter=}"; shift ;;
    --project) projects_wanted+=("${2:?--project needs a value}"); shift 2 ;;
    --lane) lanes+=("${2:?--lane needs a value}"); shift 2 ;;
    -c|--configuration) configuration="${2:?}"; shift 2 ;;
    --list) list=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#lanes[@]} -gt 0 ]] || lanes=(sqlite postgres-s3 container)
for lane in "${lanes[@]}"; do
  case "$lane" in
    sqlite|postgres-s3|container) ;;
    *) echo "test.sh: unknown lane $lane (sqlite, postgres-s3 or container)" >&2; exit 2 ;;
  esac
done
# Test projects say so (IsTestProject); tests/GhostCrate.Testing is a library the others share.
mapfile -t test_projects < <(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | sort)
if [[ ${#projects_wanted[@]} -gt 0 ]]; then
  selected=()
  for p in "${test_projects[@]}"; do
    for w in "${projects_wanted[@]}"; do
      if [[ $p == *"$w"* ]]; then selected+=("$p"); break; fi
    done
  done
  # A misspelt --project would otherwise run nothing and end with "0 passed, 0 failed".
  if [[ ${#selected[@]} -eq 0 ]]; then
    echo "test.sh: no test project under tests/ matches --project ${projects_wanted[*]}" >&2
    exit 2
  fi
  test_projects=("${selected[@]}")
fi
# The container lane runs only ContainerImageTests: with a --filter that cannot match them, the image is not built.
if [[ -n $filter && $filter != *Container* ]]; then
  kept=()
  for lane in "${lanes[@]}"; do [[ $lane == container ]] || kept+=("$lane"); done
  lanes=("${kept[@]}")
fi
if [[ $list -eq 1 ]]; then
  for p in "${test_projects[@]}"; do
    name="$(basename "$p" .csproj)"
    if [[ $name == GhostCrate.EndToEnd ]]; then
      for lane in "${lanes[@]}"; do echo "$name [$lane]"; done
    else
      echo "$name"
    fi
  done
  [[ -z $filter ]] || echo "filter: $filter"
  exit 0
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en
# cargo is usually installed by rustup into ~/.cargo/bin, which non-login shells may lack.
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

log() { echo "==> $*"; }
loud() {
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!! $*" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "" >&2
}

# The work dir must be reachable by the `postgres` OS user (postgres.sh runs the server as that user when we are root).
work="$(mktemp -d /tmp/ghostcrate-test.XXXXXX)"
chmod 755 "$work"
results="$work/results"
mkdir -p "$results"

services_started=()
cleaned=0
cleanup() {
  [[ $cleaned -eq 1 ]] && return
  cleaned=1
  local s
  for s in "${services_started[@]}"; do
    bash "scripts/services/$s.sh" stop "$work/$s" >/dev/null 2>&1 || true
  done
  if [[ "${GHOSTCRATE_TEST_KEEP:-}" == 1 ]]; then
    echo "(kept $work)" >&2
  else
    rm -rf "$work" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

total_passed=0
total_failed=0
total_skipped=0
summary=()
slowest=()
failures=()
record() { # label passed failed skipped note
  total_passed=$((total_passed + $2))
  total_failed=$((total_failed + $3))
  total_skipped=$((total_skipped + $4))
  summary+=("$(printf '%-44s %5d passed, %3d failed, %3d skipped%s' "$1" "$2" "$3" "$4" "${5:+  ($5)}")")
}

# ---------------------------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------------------------
command -v dotnet >/dev/null || { loud "dotnet (the .NET 10 SDK) is not on PATH"; echo "0 passed, 1 failed"; exit 1; }
command -v cargo >/dev/null || loud "cargo is not on PATH: the end-to-end tests will fail"

apt_packages=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_packages+=(postgresql)
# scripts/services/postgres.sh picks free ports and passwords with python3, which a minimal Debian lacks.
command -v python3 >/dev/null || apt_packages+=(python3)
# The browser tests (tests/GhostCrate.Browser.Tests) drive Debian's Chromium through Playwright; no browser download.
[[ -x /usr/bin/chromium ]] || apt_packages+=(chromium)
# The mirror tests sign bundles with keys made by gpg and check signatures with `gpg --verify`.
command -v gpg >/dev/null || apt_packages+=(gnupg)
# The deploy tests run deploy/nginx/ghostcrate.conf in Debian's nginx with a certificate made by openssl.
[[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || apt_packages+=(nginx)
command -v openssl >/dev/null || apt_packages+=(openssl)
# ... and check the workflow, Compose and Kubernetes files with yamllint, the systemd units with systemd-analyze.
command -v yamllint >/dev/null || apt_packages+=(yamllint)
command -v systemd-analyze >/dev/null || apt_packages+=(systemd)
# The container lane builds the image without Docker: a Debian base made by debootstrap, imported by podman, built by buildah.
if [[ " ${lanes[*]} " == *" container "* ]]; then
  for tool in buildah podman debootstrap; do command -v "$tool" >/dev/null || apt_packages+=("$tool"); done
fi
# The metrics tests lint /metrics and the alert rules with promtool, which Debian ships in its prometheus package.
command -v promtool >/dev/null || apt_packages+=(prometheus)
# The feed tests read the Atom feeds with a real feed parser (Debian's python3-feedparser).
/usr/bin/python3 -c 'import feedparser' 2>/dev/null || apt_packages+=(python3-feedparser)
if [[ ${#apt_packages[@]} -gt 0 ]]; then
  log "installing ${apt_packages[*]} from Debian"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  # Packages such as nginx start a system service on install (on port 80 of every address): the tests start their
  # own servers on 127.0.0.1 only, so services are kept from starting while apt installs (policy-rc.d exit 101).
  no_services=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null && "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d && no_services=1
  fi
  if ! { "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"; } >"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    loud "apt-get install ${apt_packages[*]} failed"
  fi
  [[ $no_services -eq 1 ]] && "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d
fi

# ---------------------------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------------------------
service_failed=()
for s in postgres s3 oidc smtp; do
  log "starting $s"
  services_started+=("$s")
  if bash "scripts/services/$s.sh" start "$work/$s" && [[ -f "$work/$s/env" ]]; then
    # shellcheck disable=SC1090
    source "$work/$s/env"
  else
    loud "$s did not start (scripts/services/$s.sh start $work/$s); tests that need it cannot run"
    for f in "$work/$s"/*.log "$work/$s/log"; do
      [[ -f $f ]] && { echo "--- $f ---" >&2; tail -n 50 "$f" >&2; }
    done
    service_failed+=("$s")
  fi
done
log "GHOSTCRATE_TEST_POSTGRES=${GHOSTCRATE_TEST_POSTGRES:+(set)} GHOSTCRATE_TEST_S3_URL=${GHOSTCRATE_TEST_S3_URL:-}"
log "GHOSTCRATE_TEST_OIDC_ISSUER=${GHOSTCRATE_TEST_OIDC_ISSUER:-}"
log "GHOSTCRATE_TEST_SMTP_API=${GHOSTCRATE_TEST_SMTP_API:-}"
for s in "${service_failed[@]}"; do
  record "service: $s" 0 1 0 "did not start"
done

# The OpenAPI test (tests/GhostCrate.Web.Tests/OpenApi) lints /api/openapi.json with @redocly/cli from npm. Exported
# even when the install failed (a path that does not exist), so that test fails instead of skipping.
if redocly_bin="$(bash scripts/tools/redocly.sh)"; then
  export GHOSTCRATE_TEST_REDOCLY="$redocly_bin"
else
  loud "@redocly/cli could not be installed (scripts/tools/redocly.sh); the OpenAPI lint test will fail"
  export GHOSTCRATE_TEST_REDOCLY="$repo_root/.tools/redocly/not-installed"
fi

# ---------------------------------------------------------------------------------------------------------------
# Build once
# ---------------------------------------------------------------------------------------------------------------

# No build servers: nothing of ours keeps running after the script ends.
build_flags=(-c "$configuration" -nologo -v:minimal -nodeReuse:false -p:UseSharedCompilation=false)
declare -A build_ok
log "dotnet build GhostCrate.slnx -c $configuration"
build_started=$SECONDS
if dotnet build GhostCrate.slnx "${build_flags[@]}"; then
  for p in "${test_projects[@]}"; do build_ok[$p]=1; done
else
  loud "the solution does not build; building each test project on its own to run what still compiles"
  # A broken project that no test project references must still fail the run.
  record "build: GhostCrate.slnx" 0 1 0 "dotnet build failed"
  for p in "${test_projects[@]}"; do
    if dotnet build "$p" "${build_flags[@]}" >"$work/build-$(basename "$p" .csproj).log" 2>&1; then
      build_ok[$p]=1
    else
      build_ok[$p]=0
      grep -E ': error ' "$work/build-$(basename "$p" .csproj).log" | sort -u | head -n 20 >&2
    fi
  done
fi
log "build took $((SECONDS - build_started))s"

# ---------------------------------------------------------------------------------------------------------------
# Test
# ---------------------------------------------------------------------------------------------------------------
# Counts the outcomes of a TRX file: "passed failed skipped".
trx_counts() {
  local outcomes
  outcomes="$(grep -o '<UnitTestResult [^>]*>' "$1" | grep -o ' outcome="[A-Za-z]*"' | sed 's/ outcome="\(.*\)"/\1/')"
  local passed failed skipped
  passed=$(grep -cx 'Passed' <<<"$outcomes")
  failed=$(grep -cxE 'Failed|Error|Timeout|Aborted' <<<"$outcomes")
  skipped=$(grep -cxE 'NotExecuted|Inconclusive|Pending|Disconnected|Warning' <<<"$outcomes")
  echo "$passed $failed $skipped"
}

# CPU seconds (user + system) used so far by this script's finished children, next to each lane's wall time. It
# undercounts: processes the test hosts start and do not wait for (test servers, cargo) are missed, so a lane that
# looks half idle may not be (running the lanes side by side was measured no faster on 2 cores, 2026-12-06).
# `times` runs in this shell (a redirect, not a pipe or $(...), whose subshell has children of its own).
children_cpu() {
  times >"$work/times"
}
cpu_seconds() {
  tail -n 1 "$work/times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } printf "%d", t }'
}

# The slowest tests of a TRX file, to see where CI time goes.
slowest_tests() { # trx count
  python3 - "$1" "$2" <<'PY' || true
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
rows = []
for m in re.finditer(r'<UnitTestResult [^>]*>', text):
    tag = m.group(0)
    name = re.search(r'testName="([^"]*)"', tag)
    dur = re.search(r'duration="(\d+):(\d+):([\d.]+)"', tag)
    if name and dur:
        rows.append((int(dur.group(1)) * 3600 + int(dur.group(2)) * 60 + float(dur.group(3)), name.group(1)))
for seconds, name in sorted(rows, reverse=True)[: int(sys.argv[2])]:
    print(f"    {seconds:7.1f}s  {name[:150]}")
PY
}

# The failed tests of a TRX file with the first lines of their messages, printed again at the end so that the tail of
# a CI log (all some CI pages keep) names what failed.
failed_tests() { # trx label
  python3 - "$1" "$2" <<'PY' || true
import re, sys, html
text = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r'<UnitTestResult ([^>]*?)(/>|>(.*?)</UnitTestResult>)', text, re.S):
    tag, body = m.group(1), m.group(3) or ""
    if not re.search(r' outcome="(Failed|Error|Timeout|Aborted)"', " " + tag):
        continue
    name = re.search(r'testName="([^"]*)"', tag)
    print(f"{sys.argv[2]}: {html.unescape(name.group(1)) if name else '?'}")
    message = re.search(r'<Message>(.*?)</Message>', body, re.S)
    for line in html.unescape(message.group(1)).strip().splitlines()[:4] if message else []:
        print(f"    {line[:200]}")
PY
}

run_tests() { # project label [lane]
  local project="$1" label="$2" lane="${3:-}"
  local trx="$results/$label.trx"
  trx="${trx//[\[\] ]/_}"
  local args=(test "$project" -c "$configuration" --no-build --nologo
    --logger "trx;LogFileName=$trx" --results-directory "$results"
    --blame-hang-timeout 20m --blame-hang-dump-type none)
  [[ -n $filter ]] && args+=(--filter "$filter")
  log "$label"
  local started=$SECONDS cpu_started rc
  children_cpu
  cpu_started=$(cpu_seconds)
  # A backstop on top of the hang detector: a wedged test host must not eat the CI budget.
  GHOSTCRATE_E2E_BACKEND="$lane" timeout --kill-after=30s 30m dotnet "${args[@]}"
  rc=$?
  children_cpu
  local cpu=$(( $(cpu_seconds) - cpu_started ))
  local passed=0 failed=0 skipped=0 note=""
  if [[ -f $trx ]]; then
    read -r passed failed skipped < <(trx_counts "$trx")
  fi
  if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    failed=1
    note="dotnet test exited with $rc"
    [[ $rc -eq 124 || $rc -eq 137 ]] && note="timed out"
  fi
  record "$label" "$passed" "$failed" "$skipped" "${note:-$((SECONDS - started))s, ${cpu}s CPU}"
  if [[ -f $trx ]]; then
    slowest+=("$label:" "$(slowest_tests "$trx" 5)")
    [[ $failed -gt 0 ]] && failures+=("$(failed_tests "$trx" "$label")")
  fi
}

# Builds the image (deploy/container/build.sh) and runs ContainerImageTests against it, in the sqlite backend.
run_container_lane() { # project label
  local image=localhost/ghostcrate:test started=$SECONDS
  log "$2: building the image"
  if ! bash deploy/container/build.sh --tag "$image" >"$work/image-build.log" 2>&1; then
    tail -n 40 "$work/image-build.log" >&2
    record "$2" 0 1 0 "deploy/container/build.sh failed"
    return
  fi
  grep '^==>' "$work/image-build.log"
  log "$2: image built in $((SECONDS - started))s"
  local saved_filter="$filter"
  filter="FullyQualifiedName~ContainerImageTests"
  GHOSTCRATE_TEST_IMAGE="$image" run_tests "$1" "$2" sqlite
  filter="$saved_filter"
  buildah rmi "$image" >/dev/null 2>&1 || true
}

for project in "${test_projects[@]}"; do
  name="$(basename "$project" .csproj)"
  if [[ ${build_ok[$project]:-0} -ne 1 ]]; then
    record "$name" 0 1 0 "build failed"
    continue
  fi
  if [[ $name == GhostCrate.EndToEnd ]]; then
    for lane in "${lanes[@]}"; do
      if [[ $lane == container ]]; then
        run_container_lane "$project" "$name [container]"
        continue
      fi
      if [[ $lane == postgres-s3 && ${#service_failed[@]} -gt 0 ]]; then
        record "$name [$lane]" 0 1 0 "not run: ${service_failed[*]} did not start"
        continue
      fi
      run_tests "$project" "$name [$lane]" "$lane"
    done
  else
    run_tests "$project" "$name"
  fi
done

cleanup
echo ""
echo "== Slowest tests =="
printf '%s\n' "${slowest[@]}"
if [[ ${#failures[@]} -gt 0 ]]; then
  echo ""
  echo "== Failed tests =="
  printf '%s\n' "${failures[@]}"
fi
echo ""
echo "== Test summary ($configuration) =="
printf '%s\n' "${summary[@]}"
final="$total_passed passed, $total_failed failed"
[[ $total_skipped -gt 0 ]] && final+=", $total_skipped skipped"
echo "$final"
[[ $total_failed -eq 0 ]]
