-- releasedUnits(now, release, perPeriod, guaranteed, seed, id, startsAt, dayStart, dayEnd, dayIndex): units of
-- a paced prize released by `now`: `perPeriod` for each period before this one, and in this one all at its
-- start, or (guaranteed '1') those whose release moment has come, a moment drawn in the k-th n-th of the
-- period from SHA-1 of the campaign's seed, the prize id, the period and k. A period is the campaign day
-- (release 'd': dayStart, dayEnd, its number dayIndex) or the hour (release 'h', counted from startsAt's
-- hour). The same rule as lua/scanCodes-1.lua's `released`. Inlined by the script loader
-- (src/redis/scripts.ts) where a script has `--@include paced-release`.
local function releasedUnits(now, release, n, guaranteed, seed, id, startsAt, dayStart, dayEnd, dayIndex)
  local hour = 3600000
  local periodStart, periodLen, index
  if release == 'd' then
    periodStart, periodLen, index = dayStart, dayEnd - dayStart, dayIndex
  else
    local first = math.floor(startsAt / hour) * hour
    index = math.floor((now - first) / hour)
    periodStart, periodLen = first + index * hour, hour
  end
  if guaranteed ~= '1' then return n * (index + 1) end
  local slotLen = periodLen / n
  local k = math.floor((now - periodStart) / slotLen)
  if k >= n then return n * (index + 1) end
  local h = redis.sha1hex(seed .. ':' .. id .. ':' .. index .. ':' .. k)
  local at = periodStart + (k + tonumber(string.sub(h, 1, 8), 16) / 4294967296) * slotLen
  return n * index + k + (now >= at and 1 or 0)
end
