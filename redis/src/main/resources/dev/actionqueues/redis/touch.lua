-- ARGV: id, token, lease ms. Extends the lease to now + lease ms. Returns 1, or 0 if the lease is not held.
if not held(ARGV[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[3], now_ms() + tonumber(ARGV[3]), ARGV[1])
return 1
