-- wrk script: replays the request list in $WRK_LIST (one "path [etag]" per line), each thread from its own offset.
-- WRK_MODE=revalidate sends the line's ETag in If-None-Match (the 304 benchmark).
-- WRK_AUTH, when set, is sent as the Authorization header of every request (a registry token, as cargo sends it to an
-- auth-required registry: https://doc.rust-lang.org/cargo/reference/registry-authentication.html).
-- Prints one JSON line at the end (latencies in microseconds), which run.sh collects.
local list = os.getenv("WRK_LIST")
local mode = os.getenv("WRK_MODE") or "get"
local auth = os.getenv("WRK_AUTH")
if auth == "" then auth = nil end
local entries = {}
for line in io.lines(list) do
  local path, tag = line:match("^(%S+)%s*(.*)$")
  if path then entries[#entries + 1] = { path, tag } end
end

local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local i = 0
function init(args)
  i = math.floor((tid or 0) * #entries / 7) % #entries
end

function request()
  i = i % #entries + 1
  local e = entries[i]
  local headers = {}
  if auth then headers["Authorization"] = auth end
  if mode == "revalidate" then headers["If-None-Match"] = e[2] end
  return wrk.format("GET", e[1], headers)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"socket_errors":%d,"status_errors":%d,"mean_us":%d,"p90_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99), errors, summary.errors.status,
    latency.mean, latency:percentile(90), latency:percentile(99.9), latency.max))
end
