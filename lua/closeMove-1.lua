--[[
  closeMove: the last step of a bucket transfer (see lua/takeUnits-2.lua), on the source shard once the
  target holds the units: the transfer is no longer open, so neither the audit nor a repair sees it.
  Call it only after giveUnits answered (1 or 0) for the same transfer id.

  KEYS
    1 moves   hash transferId -> JSON of the open transfer (campaignMoves of the source shard)

  ARGV
    1 transfer id

  Returns
    1  closed
    0  it was not open (closed before, by the mover or by a repair)
]]
return redis.call('HDEL', KEYS[1], ARGV[1])
