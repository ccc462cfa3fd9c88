-- touchApiKey: records when an API key was last used, keeping the later time of all engines.
-- KEYS[1] {meta}:apikey:used  hash keyId -> last use (ms since the epoch)
-- KEYS[2] {meta}:apikeys      hash keyId -> key record (a revoked key is no longer in it)
-- ARGV[1] key id
-- ARGV[2] last use seen by this engine (ms)
-- returns 1 when written or an equal/later time was there, 0 when the key is revoked (nothing written)
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > old then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
