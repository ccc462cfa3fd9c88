// Request bodies of POST /v1/scans, all prepared before a run so that the load generator only picks the
// next one. The mix: fresh codes (each sent once), repeats of codes sent earlier (half by the same user),
// and forged codes (a real code with one character changed: its MAC fails, so the engine answers 404
// without touching Redis). Users: many, a few of them hot. Seeded, so every run sends the same mix.
import { CodeCodec } from '../../src/codes/code-codec.js';
import { ALPHABET } from '../../src/codes/crockford.js';
import { mulberry32 as prng } from './seeded-random.js';

export interface Mix {
  /** shares of the three kinds; they need not sum to 1 */
  fresh: number;
  repeat: number;
  forged: number;
}

/** bodies prepared per second of a run at full speed: far above what one box reaches */
export const BODIES_PER_SECOND = 60_000;

export const REALISTIC_MIX: Mix = { fresh: 0.85, repeat: 0.1, forged: 0.05 };
export const FORGED_ONLY: Mix = { fresh: 0, repeat: 0, forged: 1 };
export const FRESH_ONLY: Mix = { fresh: 1, repeat: 0, forged: 0 };

export interface UserModel {
  /** distinct ordinary users */
  users: number;
  /** a handful of users that scan a lot (resellers, scripts, families with crates of milk) */
  hotUsers: number;
  /** share of fresh scans by hot users */
  hotShare: number;
}

export const DEFAULT_USERS: UserModel = { users: 200_000, hotUsers: 5, hotShare: 0.1 };

export const FRESH = 0;
export const REPEAT = 1;
export const FORGED = 2;

export interface BodySet {
  bodies: Buffer[];
  /** FRESH, REPEAT or FORGED, per body */
  kinds: Uint8Array;
  fresh: number;
  repeat: number;
  forged: number;
}


const body = (code: string, user: string): Buffer => Buffer.from(`{"code":"${code}","user":"${user}"}`);

/** Changes one character of a code into another character of the alphabet (never an alias of the same value). */
export function forge(code: string, rnd: () => number): string {
  const at = Math.floor(rnd() * code.length);
  const old = ALPHABET.indexOf(code[at] as string);
  const replacement = ALPHABET[(old + 1 + Math.floor(rnd() * (ALPHABET.length - 1))) % ALPHABET.length] as string;
  return code.slice(0, at) + replacement + code.slice(at + 1);
}

export class ScanBodyFactory {
  readonly #codec: CodeCodec;
  readonly #rnd: () => number;
  /** serials used by fresh scans so far are 0 … nextSerial-1, in order */
  #nextSerial = 0;
  /** users of the fresh codes of the set being made, by serial - firstSerial */
  #userOfSerial: string[] = [];

  constructor(
    secretHex: string,
    private readonly batchId: number,
    private readonly batchSize: number,
    private readonly users: UserModel = DEFAULT_USERS,
    seed = 20270301,
  ) {
    this.#codec = new CodeCodec(Buffer.from(secretHex, 'hex'));
    this.#rnd = prng(seed);
  }

  /** Fresh codes handed out so far. */
  get freshUsed(): number {
    return this.#nextSerial;
  }

  #user(): string {
    const r = this.#rnd();
    if (r < this.users.hotShare) return `hot_${Math.floor((r / this.users.hotShare) * this.users.hotUsers)}`;
    return `u_${Math.floor(this.#rnd() * this.users.users)}`;
  }

  /**
   * `n` bodies in the given mix, to be sent in order. A repeat names a fresh code of the same set at
   * least `minGap` fresh codes earlier, so that it is sent after that code's first scan was answered
   * (with fewer connections than `minGap`), whether or not the run gets to the end of the set.
   */
  make(n: number, mix: Mix = REALISTIC_MIX, minGap = 1000): BodySet {
    const firstSerial = this.#nextSerial;
    this.#userOfSerial = [];
    const total = mix.fresh + mix.repeat + mix.forged;
    const pFresh = mix.fresh / total;
    const pRepeat = (mix.fresh + mix.repeat) / total;
    const out: BodySet = { bodies: new Array<Buffer>(n), kinds: new Uint8Array(n), fresh: 0, repeat: 0, forged: 0 };
    for (let i = 0; i < n; i++) {
      const r = this.#rnd();
      const earlier = this.#nextSerial - firstSerial - minGap;
      if (r < pFresh || (r < pRepeat && earlier <= 0 && pFresh > 0)) {
        out.bodies[i] = this.#fresh();
        out.kinds[i] = FRESH;
        out.fresh++;
      } else if (r < pRepeat && earlier > 0) {
        const serial = firstSerial + Math.floor(this.#rnd() * earlier);
        const user = this.#rnd() < 0.5 ? (this.#userOfSerial[serial - firstSerial] as string) : this.#user();
        out.bodies[i] = body(this.#codec.encode(this.batchId, serial), user);
        out.kinds[i] = REPEAT;
        out.repeat++;
      } else {
        // a serial no fresh scan uses (counted down from the end of the batch): forging never hits a used code
        const serial = this.batchSize - 1 - Math.floor(this.#rnd() * Math.min(1000, this.batchSize));
        out.bodies[i] = body(forge(this.#codec.encode(this.batchId, serial), this.#rnd), this.#user());
        out.kinds[i] = FORGED;
        out.forged++;
      }
    }
    return out;
  }

  /** The code of a serial of this factory's batch. */
  codeOf(serial: number): string {
    return this.#codec.encode(this.batchId, serial);
  }

  #fresh(): Buffer {
    const serial = this.#nextSerial++;
    if (serial >= this.batchSize) throw new Error(`the bench batch of ${this.batchSize} codes is used up`);
    const user = this.#user();
    this.#userOfSerial.push(user);
    return body(this.#codec.encode(this.batchId, serial), user);
  }
}

/** Bodies of each kind among the first `taken` of a set (autocannon's rotation wraps past its end). */
export function countKinds(set: BodySet, taken: number): { fresh: number; repeat: number; forged: number; wrapped: boolean } {
  const n = Math.min(taken, set.kinds.length);
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) counts[set.kinds[i] as number]!++;
  return { fresh: counts[FRESH]!, repeat: counts[REPEAT]!, forged: counts[FORGED]!, wrapped: taken > set.kinds.length };
}
