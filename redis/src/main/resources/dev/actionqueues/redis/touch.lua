-- uses: now_ms held
-- ARGV: id, token, lease ms. Sets the lease to run out lease ms from now. Returns the new expiry (ms), or 0 if not held.
if not held(ARGV[1], ARGV[2]) then return 0 end
local expiry = now_ms() + tonumber(ARGV[3])
redis.call('ZADD', KEYS[3], expiry, ARGV[1])
return expiry
