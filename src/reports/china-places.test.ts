// The shipped GeoNames places put a position in its province and prefecture-level city.
import { describe, expect, it } from 'vitest';
import { ChinaPlaces, MAX_KM } from './china-places.js';

const places = new ChinaPlaces();

describe('ChinaPlaces', () => {
  it('names the province (in Chinese too) and the city of a position', () => {
    expect(places.locate(23.13, 113.26)).toMatchObject({ province: 'Guangdong', provinceZh: '广东', city: expect.stringMatching(/Guangzhou/) });
    expect(places.locate(30.66, 104.06)).toMatchObject({ province: 'Sichuan', provinceZh: '四川', city: expect.stringMatching(/Chengdu/) });
    expect(places.locate(31.23, 121.47)).toMatchObject({ province: 'Shanghai', provinceZh: '上海' });
    expect(places.locate(43.82, 87.61)).toMatchObject({ province: 'Xinjiang', provinceZh: '新疆', city: expect.stringMatching(/Urumqi|Ürümqi/) });
  });
  it(`is null far from every place (beyond ${MAX_KM} km): Tokyo, the open sea`, () => {
    expect(places.locate(35.68, 139.69)).toBeNull();
    expect(places.locate(15, 125)).toBeNull();
    // the East China Sea east of Shanghai and Zhoushan: places lie in the cells searched, all beyond MAX_KM
    expect(places.locate(31.0, 123.5)).toBeNull();
  });
  it('names its source', () => {
    expect(places.source).toMatch(/GeoNames.*CC BY 4\.0/);
  });
});
