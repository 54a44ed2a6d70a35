-- ARGV: id, token, error entry. Moves the job to the error queue. Returns 1, or 0 if the lease is not held.
local now = now_ms()
local id = ARGV[1]
if not holds(id, ARGV[2]) then return 0 end
forget(id)
to_errors(id, ARGV[3], now)
return 1
