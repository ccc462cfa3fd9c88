--[[
  claimStore: registers an SQLite event store under a consumer name of the event stream, or renews that
  registration (the heartbeat). A consumer name reads and acknowledges entries for exactly one store:
  two live stores under one name would each take entries the other believes are its own.

  KEYS
    1 eventStoreAlive  string: id of the store that holds the name; expires unless renewed
    2 eventStores      hash consumer name -> JSON record of the store registered under it

  ARGV
    1 store id
    2 consumer name
    3 time to live of the claim, ms
    4 JSON record of the store (id, consumer, host, path, pid, seenAt)

  Returns
    {1, previous record JSON or ""}  the name is this store's (claimed or renewed); the record is updated
    {0, holder store id}             another store holds the name and is alive: nothing written
]]
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return {0, holder}
end
local previous = redis.call('HGET', KEYS[2], ARGV[2]) or ''
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
return {1, previous}
