// Faults and pauses only tests set, read apart from Config so that the production configuration holds
// production settings only. main.ts reads them next to the config and hands them to the engine; a caller
// of serve() that passes none gets none.
import { intVar, signedIntVar, type Env } from '../config.js';

export interface TestHooks {
  /** SCANLOT_TEST_MOVE_PAUSE_MS: the bucket mover sleeps this long between take and give, so a test can kill the engine mid-transfer */
  readonly movePauseMs: number;
  /** SCANLOT_CLOCK_OFFSET_MS: added to this engine's own clock, a skewed machine clock (which decides nothing: Redis' clock does) */
  readonly clockOffsetMs: number;
  /** SCANLOT_TEST_SKIP_CARD_COUNT=1: a scan that won a card (several shards) is answered without its count on the user's home shard, as by an engine that died between the two calls; the persist step counts it */
  readonly skipCardCount: boolean;
}

export const NO_TEST_HOOKS: TestHooks = Object.freeze({ movePauseMs: 0, clockOffsetMs: 0, skipCardCount: false });

export function readTestHooks(env: Env = process.env): TestHooks {
  return Object.freeze({
    movePauseMs: intVar(env, 'SCANLOT_TEST_MOVE_PAUSE_MS', 0, 0, 600_000),
    clockOffsetMs: signedIntVar(env, 'SCANLOT_CLOCK_OFFSET_MS'),
    skipCardCount: intVar(env, 'SCANLOT_TEST_SKIP_CARD_COUNT', 0, 0, 1) === 1,
  });
}
