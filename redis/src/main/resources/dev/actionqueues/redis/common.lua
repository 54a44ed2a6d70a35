-- Shared prelude of every script (prepended by the Java side). Keys of one group share a hash tag.
-- KEYS[1] ready (list; LPUSH to enqueue, RPOP to claim: FIFO)   KEYS[2] delayed (zset id -> due ms)
-- KEYS[3] leases (zset id -> lease expiry ms)                 KEYS[4] payload (hash id -> payload)
-- KEYS[5] tokens (hash id -> fencing token)                   KEYS[6] deliveries (hash id -> claims since last release)
-- KEYS[7] limits (hash id -> max deliveries)                  KEYS[8] seq (fencing token counter)
-- KEYS[9] wake (list, wakes a worker blocked in BLPOP)        KEYS[10] errors (hash id -> entry JSON)
-- KEYS[11] error order (zset id -> time ms)                   KEYS[12] debounce state (string), when used
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function wake()
  redis.call('LPUSH', KEYS[9], '1')
  redis.call('LTRIM', KEYS[9], 0, 1023)
end
local function enqueue(id, delay, now)
  if delay > 0 then
    redis.call('ZADD', KEYS[2], now + delay, id)
  else
    redis.call('LPUSH', KEYS[1], id)
  end
  wake()
end
local function forget(id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
  redis.call('HDEL', KEYS[6], id)
  redis.call('HDEL', KEYS[7], id)
  redis.call('ZREM', KEYS[3], id)
end
local function to_errors(id, entry, now)
  redis.call('HSET', KEYS[10], id, entry)
  redis.call('ZADD', KEYS[11], now, id)
end
local function holds(id, token)
  return redis.call('HGET', KEYS[5], id) == token and redis.call('ZSCORE', KEYS[3], id) ~= false
end
-- Promotes due delayed jobs, reclaims expired leases (to the error queue once a job has used up its
-- deliveries), then claims up to max jobs. Returns {'jobs', id, payload, token, deliveries, ...} or
-- {'empty', ms until the next due job or lease expiry, or -1}.
local function claim_jobs(now, lease, max)
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
end
