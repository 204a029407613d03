-- wrk script: round-robin over the request paths listed (one a line) in the
-- file given after "--", and print a one-line JSON summary in done().
-- Latency figures are in microseconds, as wrk records them.
--
-- Arguments after "--": the paths file, then optionally "unique", which adds
-- a parameter no view reads (bench-nocache=<nonce>.<thread>.<n>, the nonce
-- being the third argument, different for every wrk run) so that every
-- request misses the portal's page cache.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  unique = args[2] == "unique"
  nonce = args[3] or "0"
  sent = 0
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  -- Threads start at different points of the list.
  position = (thread_index or 0) * 7919 % #paths
end

function request()
  position = position % #paths + 1
  local path = paths[position]
  if unique then
    sent = sent + 1
    local separator = path:find("?", 1, true) and "&" or "?"
    path = path .. separator .. "bench-nocache=" .. nonce .. "." .. (thread_index or 0)
      .. "." .. sent
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "rps": %.3f, '
      .. '"mean_us": %.1f, "stdev_us": %.1f, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, '
      .. '"timeouts": %d}\n',
    summary.requests, summary.duration,
    summary.requests / (summary.duration / 1e6),
    latency.mean, latency.stdev,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
