-- Shared prelude of every script (prepended by the Java side). All keys of a group share a hash tag.
-- KEYS[1] ready: list of entries; LPUSH to enqueue, RPOP to claim (FIFO). '~' is a wake-up marker.
-- KEYS[2] delayed: zset entry -> due ms           KEYS[3] leases: zset id -> lease expiry ms
-- KEYS[4] inflight: hash id -> "<token>|<entry>"  KEYS[5] seq: fencing token counter
-- KEYS[6] errors: hash id -> entry JSON           KEYS[7] error order: zset id -> time ms
-- KEYS[8] markers: how many '~' markers the ready list holds (not jobs, so not counted as available)
-- KEYS[9] debounce state (string), only for debounce_push.
-- An entry is "v1|<id>|<max deliveries>|<deliveries>|<payload>"; ids never contain '|'.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function enqueue(entry, delay, now)
  if delay > 0 then
    redis.call('ZADD', KEYS[2], now + delay, entry)
    redis.call('LPUSH', KEYS[1], '~')
    redis.call('INCR', KEYS[8])
  else
    redis.call('LPUSH', KEYS[1], entry)
  end
end
-- Returns id, max deliveries, deliveries, payload; or nil for an entry actionqueues did not write.
local function parse(entry)
  if string.sub(entry, 1, 3) ~= 'v1|' then return nil end
  local a = string.find(entry, '|', 4, true)
  local b = a and string.find(entry, '|', a + 1, true)
  local c = b and string.find(entry, '|', b + 1, true)
  if not c then return nil end
  local limit = tonumber(string.sub(entry, a + 1, b - 1))
  local deliveries = tonumber(string.sub(entry, b + 1, c - 1))
  if (not limit) or (not deliveries) or a == 4 then return nil end
  return string.sub(entry, 4, a - 1), limit, deliveries, string.sub(entry, c + 1)
end
-- The in-flight record of id if token holds its lease, else nil.
local function held(id, token)
  local rec = redis.call('HGET', KEYS[4], id)
  if rec and string.sub(rec, 1, #token + 1) == token .. '|' then return rec end
  return nil
end
local function release_lease(id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZREM', KEYS[3], id)
end
local function to_errors(id, entry, now)
  redis.call('HSET', KEYS[6], id, entry)
  redis.call('ZADD', KEYS[7], now, id)
end
-- Promotes due delayed jobs, reclaims expired leases (to the error queue once a job has used up its
-- deliveries), then claims up to max jobs. Returns {'jobs', id, payload, token, deliveries, ...} or
-- {'empty', ms until the next due job or lease expiry, or -1}.
local function claim_jobs(now, lease, max)
  local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
  for _, entry in ipairs(due) do
    redis.call('ZREM', KEYS[2], entry)
    redis.call('LPUSH', KEYS[1], entry)
  end
  local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
  for _, id in ipairs(expired) do
    local rec = redis.call('HGET', KEYS[4], id)
    release_lease(id)
    if rec then
      local entry = string.sub(rec, string.find(rec, '|', 1, true) + 1)
      local _, limit, deliveries, payload = parse(entry)
      if limit > 0 and deliveries >= limit then
        to_errors(id, cjson.encode({id = id, payload = payload, time = now, deliveries = deliveries,
          reason = 'lease expired ' .. deliveries .. ' time(s): the worker died or stalled each time'}), now)
      else
        redis.call('RPUSH', KEYS[1], entry)
      end
    end
  end
  local out = {'jobs'}
  local claimed = 0
  while claimed < max do
    local entry = redis.call('RPOP', KEYS[1])
    if not entry then break end
    if entry == '~' then
      redis.call('DECR', KEYS[8])
    else
      local id, limit, deliveries, payload = parse(entry)
      if not id then
        local raw_id = 'raw-' .. redis.call('INCR', KEYS[5])
        to_errors(raw_id, cjson.encode({id = raw_id, raw = entry, time = now, deliveries = 0,
          reason = 'queue entry not written by actionqueues (unknown format)'}), now)
      else
        local token = tostring(redis.call('INCR', KEYS[5]))
        deliveries = deliveries + 1
        redis.call('HSET', KEYS[4], id, token .. '|v1|' .. id .. '|' .. limit .. '|' .. deliveries .. '|' .. payload)
        redis.call('ZADD', KEYS[3], now + lease, id)
        out[#out + 1] = id
        out[#out + 1] = payload
        out[#out + 1] = token
        out[#out + 1] = tostring(deliveries)
        claimed = claimed + 1
      end
    end
  end
  if claimed > 0 then
    return out
  end
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
