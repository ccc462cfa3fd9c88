-- Applies a MessagePack array of aggregate ops (src/aggregates/aggregate-op.ts, packed by
-- src/persistence/ack-events-call.ts packOps), each an array:
--   {'h', key, field, by}          HINCRBY
--   {'s', key, field, value}       HSETNX
--   {'z', key, score, member}      ZADD
--   {'r', board, member, counter}  rank: one more scan for member on a sorted set whose score is
--                                  scans * 2^32 + (2^32 - 1 - arrival), arrival = INCR counter: of
--                                  members with as many scans, the one that got there first ranks first
--   {'m', key, field, value}       HSET field to value if it is greater than the field's value (or absent)
--   {'e', key, seconds}            EXPIRE (after the batch's other ops, so a key they create gets it)
-- An op that fails (a key of the wrong type, say) loses its figure, logged in Redis' log; it must not
-- keep the events in the stream for ever.
local TWO32 = 4294967296
local function applyAggregateOp(op)
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
  elseif kind == 'm' then
    local current = tonumber(redis.call('HGET', op[2], op[3]))
    if current == nil or tonumber(op[4]) > current then redis.call('HSET', op[2], op[3], op[4]) end
  elseif kind == 'e' then
    redis.call('EXPIRE', op[2], op[3])
  end
end
local function applyAggregateOps(packed)
  for _, op in ipairs(cmsgpack.unpack(packed)) do
    local ok, err = pcall(applyAggregateOp, op)
    if not ok then
      redis.log(redis.LOG_WARNING, 'scanlot: aggregate op on ' .. tostring(op[2]) .. ' lost: ' .. (type(err) == 'table' and tostring(err.err) or tostring(err)))
    end
  end
end
