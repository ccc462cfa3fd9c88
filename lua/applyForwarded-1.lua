#!lua flags=allow-oom
--[[
  applyForwarded: aggregate ops that events of another shard's stream produced for keys of this shard
  (a member's points and wins live on the member's home shard), forwarded from that shard's outbox.
  The outbox (`{other}:agg:out:{this}`) is a stream filled by lua/ackEvents-1.lua exactly once per
  event; its entries are forwarded in id order, always from its oldest entry, and deleted there only after
  this script applied them. So the last entry id applied is all this shard needs to apply each entry
  once: an entry at or below it was applied before (a forwarder that crashed before deleting, or one
  that stalled while another forwarded the same entries).

  allow-oom: like ackEvents, this must run under maxmemory, or the outbox would never empty.

  KEYS
    1 the last outbox entry id applied from that shard (string `{this}:agg:from:{other}`; absent: none)

  ARGV
    pairs: an outbox entry id, ascending; its MessagePack array of ops (see lua/includes/aggregate-ops.lua),
    every key of this shard

  Returns the number of entries applied now (the others were applied before)
]]
local function parseId(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function after(a, b)
  local ams, aseq = parseId(a)
  local bms, bseq = parseId(b)
  return ams > bms or (ams == bms and aseq > bseq)
end

--@include aggregate-ops
local last = redis.call('GET', KEYS[1])
local applied = 0
for i = 1, #ARGV, 2 do
  if last == false or after(ARGV[i], last) then
    applyAggregateOps(ARGV[i + 1])
    last = ARGV[i]
    applied = applied + 1
  end
end
if applied > 0 then redis.call('SET', KEYS[1], last) end
return applied
