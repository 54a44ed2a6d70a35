-- ARGV: id, token, error entry. Moves the job to the error queue. Returns 1, or 0 if the lease is not held.
if not held(ARGV[1], ARGV[2]) then return 0 end
release_lease(ARGV[1])
to_errors(ARGV[1], ARGV[3], now_ms())
return 1
