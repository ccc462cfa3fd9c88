-- Prize availability and award, shared by the consumer, shop and clerk draws of scanCodes.
-- Reads `a`, the arguments of the scan being decided (an upvalue of scanCodes).
-- A spec is 8 values of `a` starting at index b: id, prize JSON, amount, hasStock, hasBudget,
-- dailyCap, perUserCap, isPoints. Checks only read; awards only write (Lua has no rollback).

-- reason the prize cannot be won now, or '' when it can
local function prizeBlocker(b, stateKey, dayKey, winnerKey)
  local id, amount = a[b], tonumber(a[b + 2])
  if a[b + 3] == '1' and (tonumber(redis.call('HGET', stateKey, 's:' .. id)) or 0) <= 0 then
    return 'out_of_stock'
  end
  local dailyCap = tonumber(a[b + 5])
  if dailyCap > 0 and (tonumber(redis.call('HGET', dayKey, 'w:' .. id)) or 0) >= dailyCap then
    return 'daily_cap'
  end
  local perUserCap = tonumber(a[b + 6])
  if perUserCap > 0 and (tonumber(redis.call('HGET', winnerKey, 'w:' .. id)) or 0) >= perUserCap then
    return 'user_cap'
  end
  if a[b + 4] == '1' and (tonumber(redis.call('HGET', stateKey, 'b:' .. id)) or 0) < amount then
    return 'budget'
  end
  return ''
end

local function awardPrize(b, stateKey, dayKey, winnerKey)
  local id, amount = a[b], tonumber(a[b + 2])
  if a[b + 3] == '1' then redis.call('HINCRBY', stateKey, 's:' .. id, -1) end
  if a[b + 4] == '1' then redis.call('HINCRBY', stateKey, 'b:' .. id, -amount) end
  redis.call('HINCRBY', stateKey, 'w:' .. id, 1)
  if redis.call('HINCRBY', dayKey, 'w:' .. id, 1) == 1 then dayTtl(dayKey) end
  -- per-winner counts exist only to enforce perUserCap
  if tonumber(a[b + 6]) > 0 then redis.call('HINCRBY', winnerKey, 'w:' .. id, 1) end
  return a[b + 1], amount, a[b + 7] == '1'
end
