-- uses: now_ms int minus entry_of parse release_lease debounce_state debounce_set debounce_done claim_jobs
-- ARGV: lease ms, max jobs. See claim_jobs in common.lua.
return claim_jobs(now_ms(), tonumber(ARGV[1]), tonumber(ARGV[2]))
