-- wrk script: POST one body with its headers to the path given, and print
-- the same one-line JSON summary as wrk_paths.lua.
--
-- Arguments after "--": the path, the body file, then "Header: value" pairs.

function init(args)
  path = args[1]
  local file = assert(io.open(args[2], "rb"))
  body = file:read("*a")
  file:close()
  headers = {}
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name then
      headers[name] = value
    end
  end
end

function request()
  return wrk.format("POST", path, headers, body)
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
