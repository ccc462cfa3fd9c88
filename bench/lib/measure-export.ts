// Export speed: GET /v1/batches/{id}/codes?format=csv for a range of codes, read as fast as this process
// can, while the engine's RSS is sampled every 100 ms.
import { request } from 'node:http';
import { RssSampler } from './proc-stats.js';
import { BENCH_TOKEN } from './engine-process.js';

export interface ExportResult {
  codes: number;
  bytes: number;
  seconds: number;
  codesPerSec: number;
  bytesPerSec: number;
  rssStartMb: number;
  rssMaxMb: number;
  rssGrowthMb: number;
}

const MB = 1024 * 1024;

export async function measureExport(baseUrl: string, enginePid: number, batchId: number, codes: number): Promise<ExportResult> {
  const url = new URL(`/v1/batches/${batchId}/codes?format=csv&from=0&to=${codes}`, baseUrl);
  const sampler = new RssSampler(enginePid, 100);
  const started = performance.now();
  let lines = 0;
  let bytes = 0;
  let rss: ReturnType<RssSampler['stop']>;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`export answered ${res.statusCode}`));
          return;
        }
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        });
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    rss = sampler.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  // the csv has a header line, then one line per code
  const got = lines - 1;
  if (got !== codes) throw new Error(`export sent ${got} codes, expected ${codes}`);
  return {
    codes,
    bytes,
    seconds,
    codesPerSec: codes / seconds,
    bytesPerSec: bytes / seconds,
    rssStartMb: rss.startBytes / MB,
    rssMaxMb: rss.maxBytes / MB,
    rssGrowthMb: rss.growthBytes / MB,
  };
}
