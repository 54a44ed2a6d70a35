-- uses: now_ms int
-- KEYS[1] the saga's hash. ARGV: lease ms. Leases a saga that nobody holds (or whose lease ran
-- out) with the next token. Returns {name, status, journal, token, cancel, updated}, or {} if the
-- saga does not exist or is held.
local lease = redis.call('HGET', KEYS[1], 'lease')
if not lease then return {} end
local now = now_ms()
if tonumber(lease) > now then return {} end
local token = redis.call('HINCRBY', KEYS[1], 'token', 1)
redis.call('HSET', KEYS[1], 'lease', int(now + tonumber(ARGV[1])))
local v = redis.call('HMGET', KEYS[1], 'name', 'status', 'journal', 'cancel', 'updated')
return {v[1], v[2], v[3], int(token), v[4], v[5]}
