--[[
  takeUnits: the first step of moving units of one bucket (stock, budget or a day's cap share of one
  prize, or released units of a paced one) from this shard to another: takes k units out of this shard's bucket and records the open
  transfer. Units are only ever moved, never created: the give on the target is idempotent per transfer
  id, and a crash between take and give leaves the units in the open transfer (stranded, shown by the
  audit, returned by repair), never in two buckets. See src/buckets/bucket-mover.ts.

  KEYS
    1 bucket   hash: the campaign's state hash (s:<prize> stock, b:<prize> budget, pa:<prize> released
               units moved in/out, p:<prize> paced wins) or its day hash of the transfer's day
               (c:<prize> cap units moved in/out that day, w:<prize> wins that day); the names as
               src/redis/campaign-fields.ts has them
    2 moves    hash transferId -> JSON of the open transfer (campaignMoves of this shard)

  ARGV
    1 field: s:<prize> | b:<prize> | c:<prize> | pa:<prize>
    2 units to take, an integer >= 1
    3 base: what the bucket holds besides the field (the shard's share of the dailyCap for c:, of the
      units released by ARGV 9 for pa:, else 0)
    4 wins field subtracted from the available units (w:<prize> for c:, p:<prize> for pa:, else "")
    5 transfer id
    6 JSON of the open transfer {to, field, day, units, at}
    7 seconds the bucket hash lives when this take creates it (the day hash: 3 days), 0 = no expiry
    8 this shard's clock shift key, '' when ARGV 9 is ''
    9 ms of the shared clock the base was counted at (pa:: released units only grow, so a base counted
      at a time this clock has passed is never more than released now); refused when it is still ahead

  Returns
    {1, available before the take}  taken: field decremented by k, transfer recorded
    {0, available}                  refused, available < k (or ARGV 9 ahead of this clock): nothing written
    {-1, 0}                         the transfer id is open already: nothing written
]]
local field, k, base = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('HEXISTS', KEYS[2], ARGV[5]) == 1 then return {-1, 0} end
if ARGV[9] ~= '' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + (tonumber(redis.call('GET', ARGV[8])) or 0)
  if now < tonumber(ARGV[9]) then return {0, 0} end
end
local available = base + (tonumber(redis.call('HGET', KEYS[1], field)) or 0)
if ARGV[4] ~= '' then available = available - (tonumber(redis.call('HGET', KEYS[1], ARGV[4])) or 0) end
if available < k then return {0, available} end

-- every check is above; the writes below cannot fail
local fresh = tonumber(ARGV[7]) > 0 and redis.call('EXISTS', KEYS[1]) == 0
redis.call('HINCRBY', KEYS[1], field, -k)
if fresh then redis.call('EXPIRE', KEYS[1], ARGV[7]) end
redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
return {1, available}
