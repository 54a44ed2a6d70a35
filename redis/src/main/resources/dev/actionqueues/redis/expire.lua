-- uses: held release_lease
-- ARGV: id, token. Ends the lease now if token still holds it, as claim_jobs does with a lease that ran
-- out: the job goes back to the front of the ready list (waking a blocked claimer), its delivery count
-- already grown by the claim that leased it. Returns 1, or 0 if the lease is stale.
local rec = held(ARGV[1], ARGV[2])
if not rec then return 0 end
release_lease(ARGV[1])
redis.call('RPUSH', KEYS[1], string.sub(rec, string.find(rec, '|', 1, true) + 1))
return 1
