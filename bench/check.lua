-- wrk script: one fixed GET, every response checked against the body the harness verified.
-- usage: wrk -t1 ... -s check.lua URL -- ACCEPT EXPECTED_FILE MISMATCH_PREFIX   (report: $WRK_REPORT)
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[2], "rb"))
  expected = f:read("*a")
  f:close()
  mismatch_prefix = args[3]
  req = wrk.format("GET", nil, { ["Accept"] = args[1] })
  ok, mismatched, bad_status, saved = 0, 0, 0, 0
end

function request()
  return req
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif body == expected then
    ok = ok + 1
  else
    mismatched = mismatched + 1
    if saved < 5 then  -- the harness parses these afterwards
      saved = saved + 1
      local f = io.open(mismatch_prefix .. saved, "wb")
      f:write(body)
      f:close()
    end
  end
end

function done(summary, latency, requests)
  local ok_n, mism, bad = 0, 0, 0
  for _, t in ipairs(threads) do
    ok_n = ok_n + t:get("ok")
    mism = mism + t:get("mismatched")
    bad = bad + t:get("bad_status")
  end
  local e = summary.errors
  local f = assert(io.open(os.getenv("WRK_REPORT"), "w"))
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"ok":%d,"mismatched":%d,"bad_status":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, ok_n, mism, bad, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  f:close()
end
