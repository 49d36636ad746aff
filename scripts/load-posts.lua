-- wrk script for scripts/load-test.sh: cycles through prepared GET targets (one per line of
-- the file named by the POSTS environment variable) and prints figures in a form the shell
-- script can read.
local targets = {}
local counter = 0

function init(args)
  local path = os.getenv("POSTS")
  for line in io.lines(path) do
    if #line > 0 then targets[#targets + 1] = line end
  end
  -- Each thread starts at a different place in the list.
  counter = math.random(#targets)
end

function request()
  counter = counter % #targets + 1
  return wrk.format("GET", targets[counter])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("LOAD requests=%d seconds=%.2f rps=%.0f\n",
    summary.requests, seconds, summary.requests / seconds))
  io.write(string.format("LOAD p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
  local e = summary.errors
  io.write(string.format("LOAD errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
end
