-- uses: now_ms int
-- KEYS as saga_create. ARGV: id, token, status, index of the status (1-6), journal, lease ms.
-- Writes a saga held with that token and extends its lease. Returns 1, or 0 if the token is stale.
local v = redis.call('HMGET', KEYS[1], 'token', 'lease')
if not v[1] or v[1] ~= ARGV[2] or v[2] == '0' then return 0 end
local now = now_ms()
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'journal', ARGV[5], 'lease', int(now + tonumber(ARGV[6])), 'updated', int(now))
for i = 3, 8 do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('ZADD', KEYS[2 + tonumber(ARGV[4])], int(now), ARGV[1])
redis.call('ZADD', KEYS[2], int(now), ARGV[1])
return 1
