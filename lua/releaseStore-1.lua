--[[
  releaseStore: a store stopping cleanly gives its consumer name back at once (instead of letting the
  claim expire), so that a restart on another store need not wait. Only the holder's id releases it.

  KEYS
    1 eventStoreAlive  string: id of the store that holds the name

  ARGV
    1 store id

  Returns
    1 released; 0 the name was not held by this store (expired, or another store's): nothing written
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
