-- uses: now_ms int
-- Writes several sagas at once (the concurrent writes of a worker's threads, combined).
-- KEYS[1] zset of the group's sagas by last update, KEYS[2..7] the zsets per status (as in
-- saga_create), KEYS[7 + i] the hash of the i-th saga written. ARGV, 6 per saga: id, token,
-- status, index of the status (1-6), journal, lease ms (0: release). Writes each saga held with its
-- token and extends (or ends) its lease. Returns per saga 1, 2 if it was written and its cancel flag
-- is set, or 0 if the token is stale.
local now = now_ms()
local out = {}
for i = 1, (#KEYS - 7) do
  local hash = KEYS[7 + i]
  local a = (i - 1) * 6
  local id = ARGV[a + 1]
  local v = redis.call('HMGET', hash, 'token', 'lease', 'cancel')
  if not v[1] or v[1] ~= ARGV[a + 2] or v[2] == '0' then
    out[i] = 0
  else
    local lease = 0
    if tonumber(ARGV[a + 6]) > 0 then lease = int(now + tonumber(ARGV[a + 6])) end
    redis.call('HSET', hash, 'status', ARGV[a + 3], 'journal', ARGV[a + 5], 'lease', lease, 'updated', int(now))
    for k = 2, 7 do redis.call('ZREM', KEYS[k], id) end
    redis.call('ZADD', KEYS[1 + tonumber(ARGV[a + 4])], int(now), id)
    redis.call('ZADD', KEYS[1], int(now), id)
    if v[3] == '1' then out[i] = 2 else out[i] = 1 end
  end
end
return out
