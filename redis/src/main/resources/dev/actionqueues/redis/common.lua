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
