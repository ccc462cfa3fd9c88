// A shop as an operator registers it (门店), and the validation of its input.
import { badRequest } from '../errors.js';
import { ID_RE, ID_WHAT, optInt, optNumber, optString, reqString, type JsonObject } from '../validation/json-fields.js';

export interface Shop {
  id: string;
  name: string;
  /** where the shop is: a check-in with a position is refused outside radiusM of it; null: anywhere */
  lat: number | null;
  lng: number | null;
  radiusM: number;
  /** the sales region it belongs to, as the brand names it (reports, the console) */
  region: string | null;
  /** the number its scene code carries */
  number: number;
  createdAt: string;
}

/** a shop's input, before it has a number */
export type ShopInput = Omit<Shop, 'number' | 'createdAt'>;

const NAME_RE = /^[^\u0000-\u001f]{1,200}$/u;
const REGION_RE = /^[^\u0000-\u001f]{1,64}$/u;
export const DEFAULT_RADIUS_M = 200;

export function parseShopInput(o: JsonObject): ShopInput {
  const id = reqString(o, 'id', ID_RE, ID_WHAT);
  const name = reqString(o, 'name', NAME_RE, '1-200 characters');
  const lat = optNumber(o, 'lat', -90, 90);
  const lng = optNumber(o, 'lng', -180, 180);
  if ((lat === null) !== (lng === null)) throw badRequest(lat === null ? 'lat' : 'lng', 'must be given with the other coordinate');
  const radiusM = optInt(o, 'radiusM', 1, 100_000) ?? DEFAULT_RADIUS_M;
  const region = optString(o, 'region', REGION_RE, '1-64 characters');
  return { id, name, lat, lng, radiusM, region };
}

/** metres between two positions (haversine, as the scan script's geofence computes km) */
export function metresBetween(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lng2 - lng1) * r) / 2) ** 2;
  return 12_742_000 * Math.asin(Math.min(1, Math.sqrt(a)));
}
