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
    4 MessagePack array of ops, each an array:
        {'h', key, field, by}          HINCRBY
        {'s', key, field, value}       HSETNX
        {'z', key, score, member}      ZADD
        {'r', board, member, counter}  rank: one more scan for member on a sorted set whose score is
                                     scans * 2^32 + (2^32 - 1 - arrival), arrival = INCR counter: of
                                     members with as many scans, the one that got there first ranks first
        {'e', key, seconds}            EXPIRE (after the batch's other ops, so a key they create gets it)

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

local TWO32 = 4294967296
local function apply(op)
  local kind = op[1]
  if kind == 'h' then
    redis.call('HINCRBY', op[2], op[3], op[4])
  elseif kind == 's' then
    redis.call('HSETNX', op[2], op[3], op[4])
  elseif kind == 'z' then
    redis.call('ZADD', op[2], op[3], op[4])
  elseif kind == 'r' then
    local arrival = redis.call('INCR', op[4])
    local scans = math.floor((tonumber(redis.call('ZSCORE', op[2], op[3])) or 0) / TWO32) + 1
    redis.call('ZADD', op[2], scans * TWO32 + (TWO32 - 1 - arrival), op[3])
  elseif kind == 'e' then
    redis.call('EXPIRE', op[2], op[3])
  end
end
-- an op that fails (a key of the wrong type, say) loses its figure, logged in Redis' log; it must not
-- keep the events in the stream for ever
for _, op in ipairs(cmsgpack.unpack(ARGV[4])) do
  local ok, err = pcall(apply, op)
  if not ok then
    redis.log(redis.LOG_WARNING, 'scanlot: aggregate op on ' .. tostring(op[2]) .. ' lost: ' .. (type(err) == 'table' and tostring(err.err) or tostring(err)))
  end
end
-- XACK and XDEL take many ids per call; unpack() is bounded by Lua's stack, so go in slices
for i = 1, n, 1000 do
  local j = math.min(i + 999, n)
  redis.call('XACK', KEYS[1], ARGV[1], unpack(ids, i, j))
  redis.call('XDEL', KEYS[1], unpack(ids, i, j))
end
return {n}
