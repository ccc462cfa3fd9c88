// The TypeScript side of lua/setPayout-4.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('setPayout-4.lua');

export type SetPayoutReply =
  | { readonly kind: 'changed' | 'unchanged' | 'paid_already'; readonly record: string }
  | { readonly kind: 'missing' };

export interface SetPayoutArgs {
  readonly payoutId: string;
  readonly state: 'paid' | 'failed';
  readonly reference: string | null;
  readonly nowIso: string;
  /** '{"id":"…","type":"payout","at":"…"' without the closing brace */
  readonly eventHead: string;
  /** the pending payout rebuilt from its win, when the engine found a cash win of that id (ARGV 6) */
  readonly pending: string | null;
}

export async function setPayout(redis: RedisClient, tag: ShardTag, a: SetPayoutArgs): Promise<SetPayoutReply> {
  const [code, record] = (await evalScript(redis, SCRIPT, [
    keys.payouts(tag),
    keys.events(tag),
    keys.payoutIndex(tag, 'paid'),
    keys.payoutIndex(tag, 'failed'),
    a.payoutId,
    a.state,
    a.reference ?? '',
    a.nowIso,
    a.eventHead,
    a.pending ?? '',
  ])) as [number, string];
  if (code === -1) return { kind: 'missing' };
  return { kind: code === 1 ? 'changed' : code === 0 ? 'unchanged' : 'paid_already', record };
}
