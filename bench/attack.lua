-- A wrk attacker for bench/attacks.py, which puts these in front of it:
-- PATH, METHOD, BODY (or nil), RANDOM (a fresh ?r=<random> on every request),
-- LOCKED and THROTTLED (texts that tell the two kinds of 429 apart).
-- At the end it prints one "status <key> <count>" line per status seen.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  statuses = {}
  sent = 0
  math.randomseed(os.time() * 1000 + id)
end
function request()
  local path = PATH
  if RANDOM then
    sent = sent + 1
    path = string.format("%s?r=%d-%x%x", PATH, sent, math.random(0, 0x3fffffff),
                         math.random(0, 0x3fffffff))
  end
  return wrk.format(METHOD, path, nil, BODY)
end
function response(status, headers, body)
  local key = tostring(status)
  if status == 429 and body and body:find(LOCKED, 1, true) then
    key = "429_locked"
  elseif status == 429 and body and body:find(THROTTLED, 1, true) then
    key = "429_throttled"
  end
  statuses[key] = (statuses[key] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses")) do
      io.write(string.format("status %s %d\n", key, count))
    end
  end
end
