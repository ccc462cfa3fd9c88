--[[
  giveUnits: the second step of a bucket transfer (see lua/takeUnits-2.lua): adds the k units taken on
  the source to this shard's bucket, once per transfer id however often it is called (the mover, then
  a repair after a crash, may both give the same transfer).

  KEYS
    1 bucket   hash: the campaign's state hash (s:<prize>, b:<prize>) or its day hash of the transfer's
               day (c:<prize>) on this shard (the names: src/redis/campaign-fields.ts)
    2 given    hash transferId -> units given (campaignGiven of this shard); an id is kept for a while
               after its transfer closed, since a repair reading an open transfer may give it after the
               mover closed it (src/buckets/given-transfers.ts prunes it later)

  ARGV
    1 field: s:<prize> | b:<prize> | c:<prize>
    2 units, an integer >= 1
    3 transfer id
    4 seconds the bucket hash lives when this give creates it (the day hash: 3 days), 0 = no expiry

  Returns
    1  given: field incremented by k, transfer id recorded
    0  this transfer was given before: nothing written
]]
if redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[2]) == 0 then return 0 end
local fresh = tonumber(ARGV[4]) > 0 and redis.call('EXISTS', KEYS[1]) == 0
redis.call('HINCRBY', KEYS[1], ARGV[1], tonumber(ARGV[2]))
if fresh then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return 1
