// What the persist worker's entry (src/startup/persist-worker-entry.ts) is handed by the engine when its
// thread starts, instead of reading the configuration a second time: the engine's own CODE_SECRET and
// public URL, from which a set prize's voucher is derived (the engine may have been given a config that
// differs from its environment).
export interface PersistWorkerData {
  /** CODE_SECRET's bytes (a structured clone turns a Buffer into a Uint8Array) */
  readonly codeSecret: Uint8Array;
  readonly publicBaseUrl: string;
}

export function isPersistWorkerData(x: unknown): x is PersistWorkerData {
  const d = x as Partial<PersistWorkerData> | null;
  return typeof d === 'object' && d !== null && d.codeSecret instanceof Uint8Array && typeof d.publicBaseUrl === 'string';
}
