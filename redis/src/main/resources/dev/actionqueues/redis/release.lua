-- uses: now_ms enqueue held release_lease
-- ARGV: id, token, new entry, delay ms. Puts the job back (a retry, or a shutdown handing it back).
-- Returns 1, or 0 if the lease is not held.
if not held(ARGV[1], ARGV[2]) then return 0 end
release_lease(ARGV[1])
enqueue(ARGV[3], tonumber(ARGV[4]), now_ms())
return 1
