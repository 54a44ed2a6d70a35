-- uses: find_in_list
-- ARGV: id, new entry. Moves the waiting error entry of id (in KEYS[10], the error queue's ready list)
-- into this queue, available at once. Returns 1, or 0 if the error queue has no such waiting entry.
local found = find_in_list(KEYS[10], ARGV[1])
if not found then return 0 end
redis.call('LREM', KEYS[10], 1, found)
redis.call('LPUSH', KEYS[1], ARGV[2])
return 1
