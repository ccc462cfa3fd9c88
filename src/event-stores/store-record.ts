// What Redis keeps about each SQLite event store registered under a consumer name of the event stream.
export interface StoreRecord {
  /** the random id kept inside the SQLite file */
  readonly storeId: string;
  readonly consumer: string;
  readonly host: string;
  /** the SQLite file on that host */
  readonly path: string;
  readonly pid: number;
  /** the engine's clock at the last claim or renewal (informative: liveness is the claim's expiry) */
  readonly seenAt: string;
}

export function parseStoreRecord(json: string): StoreRecord | null {
  try {
    const v = JSON.parse(json) as Partial<StoreRecord>;
    if (typeof v.storeId !== 'string' || typeof v.consumer !== 'string') return null;
    return {
      storeId: v.storeId,
      consumer: v.consumer,
      host: typeof v.host === 'string' ? v.host : '?',
      path: typeof v.path === 'string' ? v.path : '?',
      pid: typeof v.pid === 'number' ? v.pid : 0,
      seenAt: typeof v.seenAt === 'string' ? v.seenAt : '?',
    };
  } catch {
    return null;
  }
}
