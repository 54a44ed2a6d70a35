-- uses: held release_lease
-- ARGV: id, token. Removes exactly this job. Returns 1, or 0 if the lease is not held (stale worker).
if not held(ARGV[1], ARGV[2]) then return 0 end
release_lease(ARGV[1])
redis.call('HDEL', KEYS[9], ARGV[1])
return 1
