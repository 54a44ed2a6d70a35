-- uses: now_ms int
-- KEYS as saga_create. ARGV: id, token, status, index of the status (1-6), journal, lease ms (0:
-- release). Writes a saga held with that token and extends (or ends) its lease. Returns 1, 2 if
-- it was written and its cancel flag is set, or 0 if the token is stale.
local v = redis.call('HMGET', KEYS[1], 'token', 'lease', 'cancel')
if not v[1] or v[1] ~= ARGV[2] or v[2] == '0' then return 0 end
local now = now_ms()
local lease = 0
if tonumber(ARGV[6]) > 0 then lease = int(now + tonumber(ARGV[6])) end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'journal', ARGV[5], 'lease', lease, 'updated', int(now))
for i = 3, 8 do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('ZADD', KEYS[2 + tonumber(ARGV[4])], int(now), ARGV[1])
redis.call('ZADD', KEYS[2], int(now), ARGV[1])
if v[3] == '1' then return 2 end
return 1
