-- uses: held release_lease
-- ARGV: id, token, error entry. Moves the job to the error queue (KEYS[10] is its ready list) in one step.
-- Returns 1, or 0 if the lease is not held.
if not held(ARGV[1], ARGV[2]) then return 0 end
release_lease(ARGV[1])
redis.call('HDEL', KEYS[9], ARGV[1])
redis.call('LPUSH', KEYS[10], ARGV[3])
return 1
