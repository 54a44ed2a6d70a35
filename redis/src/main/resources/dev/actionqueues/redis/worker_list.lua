-- uses: now_ms int
-- KEYS[1] the group's workers zset. ARGV: the workers' hash key prefix, 'live' or 'silent', window ms.
-- Lists the workers seen within the window ('live') or silent for at least it ('silent'), by name:
-- name, host, pid, concurrency, in flight, started, seen, leases for each. Names whose hash expired
-- are dropped from the zset. (The hashes share the zset's hash tag, so they are in its slot.)
local now = now_ms()
local names
if ARGV[2] == 'live' then
  names = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. int(now - tonumber(ARGV[3])), '+inf')
else
  names = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', int(now - tonumber(ARGV[3])))
end
table.sort(names)
local out = {}
for _, name in ipairs(names) do
  local v = redis.call('HMGET', ARGV[1] .. name, 'name', 'host', 'pid', 'concurrency', 'inflight', 'started', 'seen',
    'leases')
  if not v[1] then
    redis.call('ZREM', KEYS[1], name)
  else
    for i = 1, 8 do out[#out + 1] = v[i] end
  end
end
return out
