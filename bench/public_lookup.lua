-- wrk script for bench/public_lookup.py: cycle through the request paths of a file (one per line, argument
-- after "--"), each thread from its own offset, and print the figures as one JSON line at the end.
local counter = 0

function setup(thread)
  thread:set("thread_number", counter)
  counter = counter + 1
end

local requests = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", line)
  end
  index = ((thread_number or 0) * 7919) % #requests
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "socket_errors": %d, "non_2xx": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.connect + errors.read + errors.write + errors.timeout,
    errors.status, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
