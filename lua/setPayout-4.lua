--[[
  setPayout: moves a payout to paid or failed and writes its event, in one atomic step.
  State machine: pending -> paid | failed, failed -> paid (a failed transfer retried); paid is final.
  The same state again changes nothing and writes no event (idempotent retries of a payment system).

  KEYS (all of the payout's shard)
    1 payouts   hash payoutId -> payout JSON (a payout that left pending)
    2 events    the event stream
    3 paid      sorted set of paid payoutIds (score 0, lexical order)
    4 failed    sorted set of failed payoutIds
  (a pending payout is a cash win with no record: its win is in the event stores, src/fulfilment/payouts.ts)

  ARGV
    1 payoutId  2 new state: paid | failed  3 reference ("" none)  4 now (ISO time)
    5 event JSON head: '{"id":"…","type":"payout","at":"…"' (no closing brace); the script appends
      the payout's fields
    6 the pending payout's JSON as rebuilt from its win (src/fulfilment/pending-payout.ts), "" when the
      engine found no cash win of that id: a payout with no record of its own is that one

  Returns {code, payout JSON}
    code: 1 changed (event written) | 0 already in that state (nothing written) | -1 no such payout
          (payout JSON "") | -2 refused: the payout is paid (payout JSON: the current record)
]]
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  if ARGV[6] == '' then return {-1, ''} end
  raw = ARGV[6]
end
local p = cjson.decode(raw)
local to = ARGV[2]
if p.state == to then return {0, raw} end
if p.state == 'paid' then return {-2, raw} end

local from = p.state
p.state = to
p.reference = ARGV[3] ~= '' and ARGV[3] or cjson.null
p.updatedAt = ARGV[4]
local record = cjson.encode(p)
redis.call('HSET', KEYS[1], ARGV[1], record)
if from == 'failed' then redis.call('ZREM', KEYS[4], ARGV[1]) end
redis.call('ZADD', KEYS[to == 'paid' and 3 or 4], 0, ARGV[1])
redis.call('XADD', KEYS[2], '*', 'j', ARGV[5] ..
  ',"eventId":' .. cjson.encode(p.eventId) .. ',"user":' .. cjson.encode(p.user) ..
  ',"amount":' .. string.format('%d', p.amount) .. ',"state":' .. cjson.encode(to) ..
  ',"previous":' .. cjson.encode(from) .. ',"reference":' .. cjson.encode(p.reference) ..
  ',"campaignId":' .. cjson.encode(p.campaignId) .. ',"prizeId":' .. cjson.encode(p.prizeId) .. '}')
return {1, record}
