-- One request shape per scenario, described by environment variables so every scenario shares this script:
--   WRK_METHOD (default POST), WRK_BODY (file), WRK_BODY_ALT (file: requests alternate WRK_BODY / WRK_BODY_ALT),
--   WRK_HEADERS ("Name: value|Name: value").
-- done() prints one machine-readable line that bench/run.sh parses.
local function read(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

wrk.method = os.getenv("WRK_METHOD") or "POST"
for header in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^|]+") do
  local name, value = string.match(header, "^%s*([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end

local body = os.getenv("WRK_BODY") or ""
if body ~= "" then
  wrk.body = read(body)
end

local alt = os.getenv("WRK_BODY_ALT") or ""
if alt ~= "" then
  -- Only defined when needed: a script without request() lets wrk send one pre-formatted request.
  -- Formatted in init(), after wrk has set the Host header.
  local requests
  local n = 0
  function init(_)
    requests = { wrk.format(nil, nil, nil, wrk.body), wrk.format(nil, nil, nil, read(alt)) }
  end
  function request()
    n = n + 1
    return requests[n % 2 + 1]
  end
end

-- WRK_TENANTS=N: the path goes below /T1 … /TN in turn (bench/tenants.sh: one host, every tenant polled).
local tenants = tonumber(os.getenv("WRK_TENANTS") or "0")
if tenants > 0 and alt == "" then
  local n = 0
  function request()
    n = n + 1
    return wrk.format(nil, "/T" .. (n % tenants + 1) .. wrk.path)
  end
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_us=%d bytes=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
