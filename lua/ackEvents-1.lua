#!lua flags=allow-oom
--[[
  ackEvents: a persist step's end. The events of one stream read by this consumer are in SQLite now:
  acknowledge and delete them, and apply the aggregate ops derived from them (src/aggregates) in the
  same atomic step, so each event is counted exactly once whichever engine stores it.

  An entry that another consumer took over (XAUTOCLAIM after this one stalled) is no longer ours: that
  consumer stores, acknowledges and counts it. When any entry of the batch is not ours, nothing is
  written and the ids still ours are returned, for the caller to count those alone and call again.

  allow-oom: under maxmemory this script must still run, since deleting acknowledged entries is what
  frees the memory. Its ops mostly add to fields that exist already.

  KEYS
    1 the event stream (every key of the ops carries its hash tag)

  ARGV
    1 consumer group   2 consumer name
    3 MessagePack array of the entry ids, ascending (as read)
    4 MessagePack array of ops on keys of this stream's shard (see lua/includes/aggregate-ops.lua)
    5, 6, … pairs: an outbox stream of this shard (`{this}:agg:out:{other}`), a MessagePack array of
      ops on keys of that other shard. The ops are appended to the outbox as one entry (field `o`), in the
      same atomic step as the acknowledgement, so they enter it exactly once; the persist step forwards
      them to the other shard (lua/applyForwarded-1.lua), which applies each outbox entry once.

  Returns
    {n}             all n entries were ours: acknowledged, deleted, ops applied
    {-1, id, …}     some were not: nothing written; the ids of the batch still ours
]]
local ids = cmsgpack.unpack(ARGV[3])
local n = #ids
if n == 0 then return {0} end

local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ids[1], ids[n], n + 1, ARGV[2])
local ours = #pending == n
if ours then
  for i = 1, n do
    if pending[i][1] ~= ids[i] then
      ours = false
      break
    end
  end
end
if not ours then
  local mine = {}
  for i = 1, #pending do mine[pending[i][1]] = true end
  local out = {-1}
  for i = 1, n do
    if mine[ids[i]] then out[#out + 1] = ids[i] end
  end
  return out
end

--@include aggregate-ops
applyAggregateOps(ARGV[4])
for i = 5, #ARGV, 2 do
  redis.call('XADD', ARGV[i], '*', 'o', ARGV[i + 1])
end
-- XACK and XDEL take many ids per call; unpack() is bounded by Lua's stack, so go in slices
for i = 1, n, 1000 do
  local j = math.min(i + 999, n)
  redis.call('XACK', KEYS[1], ARGV[1], unpack(ids, i, j))
  redis.call('XDEL', KEYS[1], unpack(ids, i, j))
end
return {n}
