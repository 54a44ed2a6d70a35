-- uses:
-- Removes every job of the queue (available, delayed, in flight) and its debounce state in one step,
-- so nothing racing it sees half a flush. The group's token counter (KEYS[5]) stays, so tokens keep
-- growing. UNLINK frees the memory in the background. Returns how many of the keys existed.
return redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
