-- wrk script for bench/load.py: rotate over a request list, count every status code, and print one
-- machine-readable line at the end (wrk itself only counts "Non-2xx or 3xx responses", not which ones).
--
-- Usage: wrk ... -s rotate.lua http://127.0.0.1:PORT -- REQUEST_FILE WRK_THREADS [START]
-- START: where in the list this run begins, so consecutive runs over one list ask new things (a search
-- point must not find its queries' vectors remembered from the point before).
-- REQUEST_FILE lines: METHOD <tab> PATH <tab> TOKEN or - <tab> JSON BODY or -
-- A token becomes "Authorization: Bearer TOKEN" (API tokens need no CSRF token); a body is sent as JSON.

local threads = {}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("tid", created)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2]) or 1
  local start = tonumber(args[3]) or 0
  requests = {}
  for line in io.lines(path) do
    local method, target, token, body = line:match("^(%S+)\t(%S+)\t(%S+)\t(.*)$")
    if method then
      local headers = {}
      if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
      if body == "-" or body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/json"
      end
      table.insert(requests, wrk.format(method, target, headers, body))
    end
  end
  if #requests == 0 then error("no requests in " .. tostring(path)) end
  -- Threads start at different places of the (already shuffled) list, so they do not ask the same thing
  -- at the same moment.
  index = (start + (tid - 1) * math.floor(#requests / nthreads)) % #requests
  codes = {}
  sent = 0
end

function request()
  sent = sent + 1
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  local attempted = 0
  for _, thread in ipairs(threads) do
    attempted = attempted + (thread:get("sent") or 0)
    local counted = thread:get("codes")
    if counted then
      for status, count in pairs(counted) do merged[status] = (merged[status] or 0) + count end
    end
  end
  local parts = {}
  local answered = 0
  for status, count in pairs(merged) do
    answered = answered + count
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  -- wrk counts a timeout only when a late answer arrives; requests of a deadlocked server never answer, so
  -- count what was sent and never answered (nor failed on the socket) by the end of the run.
  local unanswered = math.max(0, attempted - answered - e.connect - e.read - e.write)
  io.write(string.format(
    'LOADJSON {"requests": %d, "attempted": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"unanswered": %d, "p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "codes": {%s}}\n',
    summary.requests, attempted, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, unanswered,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
end
