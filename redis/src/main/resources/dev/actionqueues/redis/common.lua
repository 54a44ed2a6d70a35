-- Shared prelude of every script (prepended by the Java side). All keys of a group share a hash tag.
-- KEYS[1] ready: list of entries; LPUSH to enqueue, RPOP to claim (FIFO). '~' is a wake-up marker.
-- KEYS[2] delayed: zset entry -> due ms           KEYS[3] leases: zset id -> lease expiry ms
-- KEYS[4] inflight: hash id -> "<token>|<entry>"  KEYS[5] seq: fencing token counter of the group
-- KEYS[6] markers: how many '~' the ready list holds (they are not jobs)
-- KEYS[7] debounce: hash debounce key (its SHA-256, hex) -> "<last start ms>|<window ms>|<pending job id or ''>"
-- KEYS[8] debounce-jobs: hash pending job id -> its debounce key's field in KEYS[7]
-- KEYS[9] unique: hash id -> 1 for each live job pushed with push_unique (freed when it completes,
--         is dead-lettered or removed; a retry or a reclaimed lease keeps it)
-- KEYS[10] the other queue's ready list (dead_letter, replay_error only)
-- An entry is "v1|<id>|<deliveries>|<payload>"; ids never contain '|'.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- The decimal text of an integer n with |n| < 2^53 (tostring would write 1e+14 for 10^14).
local function int(n)
  return string.format('%.0f', n)
end
-- The decimal text of the integer whose text is s, minus k (0 <= k < 10^9), exact for any 64-bit s:
-- a Lua number holds integers exactly only below 2^53, so a larger s is taken in two parts.
local function minus(s, k)
  local n = tonumber(s)
  if n < 9007199254740992 then return int(n - k) end
  local hi, lo = tonumber(string.sub(s, 1, -10)), tonumber(string.sub(s, -9)) - k
  if lo < 0 then hi, lo = hi - 1, lo + 1000000000 end
  return int(hi) .. string.format('%09d', lo)
end
local function entry_of(id, deliveries, payload)
  return 'v1|' .. id .. '|' .. int(deliveries) .. '|' .. payload
end
local function enqueue(entry, delay, now)
  if delay > 0 then
    redis.call('ZADD', KEYS[2], now + delay, entry)
    redis.call('LPUSH', KEYS[1], '~')
    redis.call('INCR', KEYS[6])
  else
    redis.call('LPUSH', KEYS[1], entry)
  end
end
-- Returns id, deliveries, payload; or nil for an entry actionqueues did not write. The delivery count
-- must be plain decimal digits worth at most 2147483646, so one more delivery still fits a Java int
-- (tonumber alone would take 'inf', 'nan', '-5', '1.5', '0x10' and ' 3').
local function parse(entry)
  if string.sub(entry, 1, 3) ~= 'v1|' then return nil end
  local a = string.find(entry, '|', 4, true)
  local b = a and string.find(entry, '|', a + 1, true)
  if (not b) or a == 4 then return nil end
  local count = string.sub(entry, a + 1, b - 1)
  if #count > 10 or not string.find(count, '^%d+$') then return nil end
  local deliveries = tonumber(count)
  if deliveries > 2147483646 then return nil end
  return string.sub(entry, 4, a - 1), deliveries, string.sub(entry, b + 1)
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
-- The debounce state in a KEYS[7] value: last start (or due time) ms, window ms, pending job id or nil.
local function debounce_state(value)
  if not value then return nil end
  local a = string.find(value, '|', 1, true)
  local b = string.find(value, '|', a + 1, true)
  local pending = string.sub(value, b + 1)
  if pending == '' then pending = nil end
  return tonumber(string.sub(value, 1, a - 1)), tonumber(string.sub(value, a + 1, b - 1)), pending
end
local function debounce_set(field, last, window, pending)
  redis.call('HSET', KEYS[7], field, int(last) .. '|' .. int(window) .. '|' .. (pending or ''))
end
-- Job id has left the waiting jobs, claimed at time started (ms) or removed (started nil): if it is the
-- pending job of a debounce key, that key has no pending job any more, and a claim is the key's last
-- start if later, so that in leading mode runs start a window apart however late they are claimed.
local function debounce_done(id, started)
  local field = redis.call('HGET', KEYS[8], id)
  if not field then return end
  redis.call('HDEL', KEYS[8], id)
  local last, window, pending = debounce_state(redis.call('HGET', KEYS[7], field))
  if pending ~= id then return end
  if started and started > last then last = started end
  debounce_set(field, last, window, nil)
end
-- Finds the waiting entry of id in a ready list; returns it or nil. O(n): for admin calls only.
local function find_in_list(key, id)
  local prefix = 'v1|' .. id .. '|'
  local all = redis.call('LRANGE', key, 0, -1)
  for _, e in ipairs(all) do
    if string.sub(e, 1, #prefix) == prefix then return e end
  end
  return nil
end
-- Promotes due delayed jobs and reclaims expired leases (back to the front of the queue), then
-- claims up to max jobs. An entry not written by actionqueues is leased under a made-up id with the
-- raw text as its payload, so the engine can dead-letter it with a reason. A claimed job that is a
-- debounce key's pending job stops being pending and starts now. The jobs of one call take
-- the next tokens of the group's counter, which moves only by the jobs claimed; tokens are exact
-- decimal text (the counter is read back with GET: INCRBY's reply is a Lua number, inexact past 2^53).
-- Returns {'jobs', now, id, payload, token, deliveries, ...}
-- or {'empty', now, ms until the next due job or lease expiry, or -1}.
local function claim_jobs(now, lease, max)
  local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
  for _, entry in ipairs(due) do
    redis.call('ZREM', KEYS[2], entry)
    redis.call('LPUSH', KEYS[1], entry)
  end
  local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
  -- Latest expiry first, so the lease that ran out first ends at the very front.
  for i = #expired, 1, -1 do
    local id = expired[i]
    local rec = redis.call('HGET', KEYS[4], id)
    release_lease(id)
    if rec then
      redis.call('RPUSH', KEYS[1], string.sub(rec, string.find(rec, '|', 1, true) + 1))
    end
  end
  local entries = {}
  while #entries < max do
    local entry = redis.call('RPOP', KEYS[1])
    if not entry then break end
    -- A marker beyond the count of those the scripts pushed was written by someone else: malformed.
    if entry == '~' and tonumber(redis.call('GET', KEYS[6]) or '0') > 0 then
      redis.call('DECR', KEYS[6])
    else
      entries[#entries + 1] = entry
    end
  end
  local n = #entries
  if n > 0 then
    local debounced = redis.call('EXISTS', KEYS[8]) == 1
    redis.call('INCRBY', KEYS[5], n)
    local top = redis.call('GET', KEYS[5])
    local out = {'jobs', int(now)}
    for i, entry in ipairs(entries) do
      local token = minus(top, n - i)
      local id, deliveries, payload = parse(entry)
      if not id then
        id, deliveries, payload = 'malformed-' .. token, 0, entry
      elseif debounced then
        debounce_done(id, now)
      end
      deliveries = deliveries + 1
      redis.call('HSET', KEYS[4], id, token .. '|' .. entry_of(id, deliveries, payload))
      redis.call('ZADD', KEYS[3], now + lease, id)
      out[#out + 1] = id
      out[#out + 1] = payload
      out[#out + 1] = token
      out[#out + 1] = int(deliveries)
    end
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
  return {'empty', int(now), int(next_ms)}
end
