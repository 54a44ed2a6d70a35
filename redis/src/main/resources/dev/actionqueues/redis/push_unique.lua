-- uses: now_ms enqueue
-- ARGV: id, entry, delay ms. Pushes the entry unless a job pushed this way under id is live (waiting,
-- delayed or in flight), deciding and pushing in one step. Returns 1 if pushed, 0 if not.
if redis.call('HSETNX', KEYS[9], ARGV[1], '1') == 0 then return 0 end
enqueue(ARGV[2], tonumber(ARGV[3]), now_ms())
return 1
