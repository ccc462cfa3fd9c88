-- isoOf(ms): ISO 8601 of ms since the epoch, UTC, for an event's "at" (Redis' Lua has no os.date): days to
-- civil date (H. Hinnant). Inlined by the script loader (src/redis/scripts.ts) where a script has
-- `--@include iso-time`.
local function isoOf(ms)
  local z = math.floor(ms / 86400000)
  local rest = ms - z * 86400000
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d, math.floor(rest / 3600000), math.floor(rest / 60000) % 60,
    math.floor(rest / 1000) % 60, rest % 1000)
end
