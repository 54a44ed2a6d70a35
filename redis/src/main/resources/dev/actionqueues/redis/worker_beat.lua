-- uses: now_ms int
-- KEYS[1] the worker's hash, KEYS[2] the group's workers zset (name -> last seen ms).
-- ARGV: name, host, pid, concurrency, in flight, leases (encoded by the Java side), expiry ms.
-- Upserts the worker: last seen now, started now if the hash is new; the hash expires unless renewed.
local now = now_ms()
if redis.call('HEXISTS', KEYS[1], 'started') == 0 then
  redis.call('HSET', KEYS[1], 'started', int(now))
end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'host', ARGV[2], 'pid', ARGV[3], 'concurrency', ARGV[4],
  'inflight', ARGV[5], 'leases', ARGV[6], 'seen', int(now))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[7]))
redis.call('ZADD', KEYS[2], now, ARGV[1])
return 1
