-- ARGV: lease ms, max jobs. Promotes due delayed jobs, reclaims expired leases (to the error queue
-- once a job has used up its deliveries), then claims up to max jobs.
-- Returns {'jobs', id1, payload1, token1, deliveries1, ...} or {'empty', ms until the next due job or lease expiry, or -1}.
local now = now_ms()
local lease = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('LPUSH', KEYS[1], id)
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[5], id)
  local deliveries = tonumber(redis.call('HGET', KEYS[6], id) or '0')
  local limit = tonumber(redis.call('HGET', KEYS[7], id) or '0')
  if limit > 0 and deliveries >= limit then
    local entry = cjson.encode({id = id, payload = redis.call('HGET', KEYS[4], id), time = now,
      deliveries = deliveries, reason = 'lease expired ' .. deliveries .. ' time(s): the worker died or stalled each time'})
    forget(id)
    to_errors(id, entry, now)
  else
    redis.call('RPUSH', KEYS[1], id)
  end
end
local out = {'jobs'}
local max = tonumber(ARGV[2])
local claimed = 0
while claimed < max do
  local id = redis.call('RPOP', KEYS[1])
  if not id then break end
  local payload = redis.call('HGET', KEYS[4], id)
  if not payload then
    -- An entry written into the list by something other than actionqueues: keep it, with a reason.
    to_errors('raw-' .. redis.call('INCR', KEYS[8]), cjson.encode({id = id, raw = id, time = now, deliveries = 0,
      reason = 'queue entry without a stored job (written outside actionqueues?)'}), now)
  else
    local token = tostring(redis.call('INCR', KEYS[8]))
    redis.call('HSET', KEYS[5], id, token)
    redis.call('ZADD', KEYS[3], now + lease, id)
    local deliveries = redis.call('HINCRBY', KEYS[6], id, 1)
    out[#out + 1] = id
    out[#out + 1] = payload
    out[#out + 1] = token
    out[#out + 1] = tostring(deliveries)
    claimed = claimed + 1
  end
end
if claimed > 0 then
  return out
end
redis.call('DEL', KEYS[9])
local next_ms = -1
local d = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if d[2] then next_ms = tonumber(d[2]) - now end
local l = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if l[2] then
  local lm = tonumber(l[2]) - now
  if next_ms < 0 or lm < next_ms then next_ms = lm end
end
if next_ms == 0 then next_ms = 1 end
return {'empty', tostring(next_ms)}
