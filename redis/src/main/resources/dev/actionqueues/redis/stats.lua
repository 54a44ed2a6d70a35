-- Returns {available, in flight, delayed, errors}; due delayed jobs count as available.
local now = now_ms()
local due = redis.call('ZCOUNT', KEYS[2], '-inf', now)
return {redis.call('LLEN', KEYS[1]) + due, redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[2]) - due, redis.call('HLEN', KEYS[10])}
