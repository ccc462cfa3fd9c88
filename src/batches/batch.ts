// A code batch as registered by a packaging line or QR printer, and the validation of its input.
import { badRequest } from '../errors.js';
import { MAX_BATCH_ID } from '../codes/code-codec.js';
import { asObject, oneOf, optString, reqInt, reqNumber, type JsonObject } from '../validation/json-fields.js';

export type BatchKind = 'item' | 'box';
export type BatchStatus = 'active' | 'pending' | 'void';

export interface Region {
  lat: number;
  lng: number;
  radiusKm: number;
}

export interface Batch {
  batchId: number;
  sku: string;
  size: number;
  kind: BatchKind;
  status: BatchStatus;
  region: Region | null;
  contains: { batchId: number; perBox: number } | null;
  /** set on an item batch when a box batch is registered that contains it */
  boxedBy?: { batchId: number; perBox: number; radiusKm: number | null };
  createdAt: string;
}

export type BatchInput = Omit<Batch, 'batchId' | 'createdAt' | 'boxedBy'>;

export const MAX_BATCH_SIZE = 100_000_000;
const SKU_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function parseBatchInput(body: JsonObject): BatchInput {
  const sku = optString(body, 'sku', SKU_RE, '1-64 characters of [A-Za-z0-9_.:-]');
  if (sku === null) throw badRequest('sku', 'is required');
  const size = reqInt(body, 'size', 1, MAX_BATCH_SIZE);
  const kind = oneOf(body, 'kind', ['item', 'box'] as const, 'item');
  const status = oneOf(body, 'status', ['active', 'pending'] as const, 'active');
  let region: Region | null = null;
  if (body.region !== undefined && body.region !== null) {
    const r = asObject(body.region, 'region');
    region = {
      lat: reqNumber(r, 'lat', -90, 90, 'region.lat'),
      lng: reqNumber(r, 'lng', -180, 180, 'region.lng'),
      radiusKm: reqNumber(r, 'radiusKm', 0.001, 20_037, 'region.radiusKm'),
    };
  }
  let contains: Batch['contains'] = null;
  if (body.contains !== undefined && body.contains !== null) {
    if (kind !== 'box') throw badRequest('contains', 'is only for batches of kind box');
    const c = asObject(body.contains, 'contains');
    contains = {
      batchId: reqInt(c, 'batchId', 1, MAX_BATCH_ID, 'contains.batchId'),
      perBox: reqInt(c, 'perBox', 1, 100_000, 'contains.perBox'),
    };
  }
  return { sku, size, kind, status, region, contains };
}

export const STATUS_LETTER: Readonly<Record<BatchStatus, string>> = { active: 'a', pending: 'p', void: 'v' };
const STATUS_BY_LETTER: Readonly<Record<string, BatchStatus>> = { a: 'active', p: 'pending', v: 'void' };
export const statusFromLetter = (l: string | null): BatchStatus | null => (l === null ? null : (STATUS_BY_LETTER[l] ?? null));
