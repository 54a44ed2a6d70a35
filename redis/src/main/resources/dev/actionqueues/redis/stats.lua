-- uses: now_ms
-- Returns {available, in flight, delayed}; due delayed jobs count as available.
local now = now_ms()
local due = redis.call('ZCOUNT', KEYS[2], '-inf', now)
local markers = tonumber(redis.call('GET', KEYS[6]) or '0')
return {redis.call('LLEN', KEYS[1]) - markers + due, redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[2]) - due}
