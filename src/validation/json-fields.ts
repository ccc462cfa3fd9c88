// Typed reads of untrusted JSON: each reader returns the value or throws a 400 naming the field.
import { badRequest } from '../errors.js';
import { nestsDeeperThan } from './json-depth.js';

/** deeper than any body of the API; checked before parsing bodies large enough for depth to cost time */
export const MAX_JSON_DEPTH = 32;
const DEPTH_CHECK_FROM = 4096;

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(field, 'must be a JSON object');
  return value as JsonObject;
}

export function parseJsonObject(body: Buffer | string): JsonObject {
  if (typeof body !== 'string' && body.length >= DEPTH_CHECK_FROM && nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw badRequest('body', `nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw badRequest('body', 'is not valid JSON');
  }
  return asObject(value, 'body');
}

export function reqString(o: JsonObject, field: string, re: RegExp, what: string, path = field): string {
  const v = o[field];
  if (v === undefined || v === null) throw badRequest(path, 'is required');
  if (typeof v !== 'string' || !re.test(v)) throw badRequest(path, `must be ${what}`);
  return v;
}

export function optString(o: JsonObject, field: string, re: RegExp, what: string, path = field): string | null {
  if (o[field] === undefined || o[field] === null) return null;
  return reqString(o, field, re, what, path);
}

export function reqInt(o: JsonObject, field: string, min: number, max: number, path = field): number {
  const v = o[field];
  if (v === undefined || v === null) throw badRequest(path, 'is required');
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw badRequest(path, `must be an integer from ${min} to ${max}`);
  return v;
}

export function optInt(o: JsonObject, field: string, min: number, max: number, path = field): number | null {
  if (o[field] === undefined || o[field] === null) return null;
  return reqInt(o, field, min, max, path);
}

export function reqNumber(o: JsonObject, field: string, min: number, max: number, path = field): number {
  const v = o[field];
  if (v === undefined || v === null) throw badRequest(path, 'is required');
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw badRequest(path, `must be a number from ${min} to ${max}`);
  return v;
}

export function optNumber(o: JsonObject, field: string, min: number, max: number, path = field): number | null {
  if (o[field] === undefined || o[field] === null) return null;
  return reqNumber(o, field, min, max, path);
}

export function optBool(o: JsonObject, field: string, path = field): boolean | null {
  const v = o[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') throw badRequest(path, 'must be true or false');
  return v;
}

export function oneOf<T extends string>(o: JsonObject, field: string, allowed: readonly T[], def: T, path = field): T {
  const v = o[field];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw badRequest(path, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Identifiers of users, shops, clerks: 1–64 characters of [A-Za-z0-9_.:@-]. */
export const ID_RE = /^[A-Za-z0-9_.:@-]{1,64}$/;
export const ID_WHAT = '1-64 characters of [A-Za-z0-9_.:@-]';
