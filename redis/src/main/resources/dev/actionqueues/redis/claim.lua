-- ARGV: lease ms, max jobs. See claim_jobs in common.lua.
return claim_jobs(now_ms(), tonumber(ARGV[1]), tonumber(ARGV[2]))
