// Streams the codes of a serial range as csv (serial,code,url) or txt (one URL a line), in chunks of
// bounded size, so that exporting 100 million codes takes constant memory. The producer is pulled: it
// makes the next chunk only when the writer asks, which is how HTTP backpressure reaches it.
import { CodeCodec, CODE_LENGTH } from './code-codec.js';

export type ExportFormat = 'csv' | 'txt';

// about half a millisecond of work: a chunk is what the scan thread gives up at once while scans wait
const CODES_PER_CHUNK = 1024;

export class CodeExport {
  #next: number;
  readonly #end: number;
  readonly #prefix: Buffer;
  readonly #blocks = Buffer.alloc(CODES_PER_CHUNK * 16);
  #headerDone: boolean;

  /** serials [from, to) of batch `batchId`; `scanUrlPrefix` is PUBLIC_BASE_URL + "/c/" */
  constructor(
    private readonly codec: CodeCodec,
    private readonly batchId: number,
    from: number,
    to: number,
    scanUrlPrefix: string,
    private readonly format: ExportFormat,
  ) {
    this.#next = from;
    this.#end = to;
    this.#prefix = Buffer.from(scanUrlPrefix, 'latin1');
    this.#headerDone = format !== 'csv';
  }

  get remaining(): number {
    return this.#end - this.#next;
  }

  /** The next chunk of bytes, or null when done. */
  nextChunk(): Buffer | null {
    if (!this.#headerDone) {
      this.#headerDone = true;
      return Buffer.from('serial,code,url\n', 'latin1');
    }
    const n = Math.min(CODES_PER_CHUNK, this.#end - this.#next);
    if (n <= 0) return null;
    const first = this.#next;
    const blocks = this.#blocks.subarray(0, n * 16);
    for (let i = 0; i < n; i++) CodeCodec.writeBlock(blocks, i * 16, this.batchId, first + i);
    const tags = this.codec.tagBlocks(blocks);
    const prefix = this.#prefix;
    const perLine = (this.format === 'csv' ? 10 + 1 + CODE_LENGTH + 1 : 0) + prefix.length + CODE_LENGTH + 1;
    const out = Buffer.allocUnsafe(n * perLine);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const serial = first + i;
      if (this.format === 'csv') {
        at += out.write(String(serial), at, 'latin1');
        out[at++] = 0x2c;
        const codeAt = at;
        CodeCodec.writeCode(out, at, this.batchId, serial, tags, i * 16);
        at += CODE_LENGTH;
        out[at++] = 0x2c;
        at += prefix.copy(out, at);
        // the URL repeats the code: copy its 24 bytes rather than encode it twice
        out.copyWithin(at, codeAt, codeAt + CODE_LENGTH);
      } else {
        at += prefix.copy(out, at);
        CodeCodec.writeCode(out, at, this.batchId, serial, tags, i * 16);
      }
      at += CODE_LENGTH;
      out[at++] = 0x0a;
    }
    this.#next += n;
    return out.subarray(0, at);
  }
}
