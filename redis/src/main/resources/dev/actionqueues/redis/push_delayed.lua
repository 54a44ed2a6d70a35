-- uses: now_ms enqueue
-- ARGV: entry, delay ms. Schedules the entry on the server's clock and wakes a waiting worker so
-- it recomputes its wait. (An immediate push is a plain LPUSH, not a script.)
enqueue(ARGV[1], tonumber(ARGV[2]), now_ms())
return 1
