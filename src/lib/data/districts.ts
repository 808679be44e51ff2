/**
 * The three districts GridAtlas ships demo data for. Codes are GB/T 2260 adcodes.
 * `core` is where the synthetic urban layout is placed: roughly the built-up area of
 * the real district (WGS-84), chosen by hand from public maps; it is not a boundary.
 */
import type { DistrictCode } from './schema';

export interface DistrictInfo {
  code: DistrictCode;
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

export const DISTRICT_CODES = DISTRICTS.map((d) => d.code);

export function districtInfo(code: string): DistrictInfo {
  const d = DISTRICTS.find((x) => x.code === code);
  if (!d) throw new Error(`unknown district code ${code}`);
  return d;
}

export function isDistrictCode(code: string): code is DistrictCode {
  return DISTRICTS.some((d) => d.code === code);
}
