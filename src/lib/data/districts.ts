/**
 * The three districts GridAtlas ships demo data for (the demo list; the province layout's districts
 * are listed by its districts.json, see province.ts). Codes are GB/T 2260 adcodes.
 * `core` is where the synthetic urban layout is placed: roughly the built-up area of
 * the real district (WGS-84), chosen by hand from public maps; it is not a boundary.
 */
import type { DemoDistrictCode, DistrictCode } from './schema';

export interface DistrictInfo {
  code: DemoDistrictCode;
  name: string;
  nameEn: string;
  city: string;
  cityEn: string;
  province: string;
  /** Centre [lon, lat] and radii (km east-west, north-south) of the built-up core. */
  core: { center: [number, number]; rx: number; ry: number };
}

export const DISTRICTS: readonly DistrictInfo[] = [
  {
    code: '230102',
    name: '道里区',
    nameEn: 'Daoli',
    city: '哈尔滨市',
    cityEn: 'Harbin',
    province: '黑龙江省',
    core: { center: [126.575, 45.728], rx: 5.2, ry: 6.0 }
  },
  {
    code: '370881',
    name: '曲阜市',
    nameEn: 'Qufu',
    city: '济宁市',
    cityEn: 'Jining',
    province: '山东省',
    core: { center: [116.99, 35.585], rx: 3.6, ry: 3.2 }
  },
  {
    code: '371602',
    name: '滨城区',
    nameEn: 'Bincheng',
    city: '滨州市',
    cityEn: 'Binzhou',
    province: '山东省',
    core: { center: [117.99, 37.39], rx: 6.0, ry: 5.0 }
  }
] as const;

/** As plain district codes, for lists that province districts may join. */
export const DISTRICT_CODES: DistrictCode[] = DISTRICTS.map((d) => d.code);

export function districtInfo(code: string): DistrictInfo {
  const d = DISTRICTS.find((x) => x.code === code);
  if (!d) throw new Error(`unknown district code ${code}`);
  return d;
}

/** Whether `code` is one of the demo districts (their files are under static/data/<adcode>/; every page can open them). */
export function isDemoDistrict(code: string): code is DemoDistrictCode {
  return DISTRICTS.some((d) => d.code === code);
}
