--[[
  redeemWin: a won gift or coupon handed over at a shop, at most once, and
  its event, in one atomic step: no redemption without its event, no event without its redemption.

  KEYS
    1 redeemed   hash eventId -> redemption JSON (of the win's shard)
    2 events     the event stream of the same shard

  ARGV
    1 eventId of the win
    2 redemption JSON (the record kept and answered)
    3 event JSON of the redemption ("type":"redemption"), appended as the stream entry's field j

  Returns {1, ""} redeemed now, or {0, <the earlier redemption JSON>} when the win was redeemed before
]]
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return {0, redis.call('HGET', KEYS[1], ARGV[1])}
end
redis.call('XADD', KEYS[2], '*', 'j', ARGV[3])
return {1, ''}
