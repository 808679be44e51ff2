/**
 * Plausible Chinese names for synthetic roads and compounds. They are made up from common
 * words; any match with a real place is a coincidence of common naming.
 */
import type { CompoundKind, DistrictCode } from '../../src/lib/data/schema';
import { pick, type Rng } from '../../src/lib/geo/random';

const COMMON_WORDS = [
  '和平',
  '建设',
  '民主',
  '友谊',
  '新华',
  '文化',
  '光明',
  '工农',
  '胜利',
  '红旗',
  '人民',
  '解放',
  '团结',
  '幸福',
  '长青',
  '东风',
  '朝阳',
  '育才',
  '振兴',
  '繁荣',
  '富强',
  '滨河',
  '通达',
  '康宁',
  '安居',
  '锦绣',
  '阳光',
  '春晖',
  '金桥',
  '新兴',
  '永安',
  '吉祥',
  '顺和',
  '丰收',
  '园林',
  '学府',
  '商业',
  '站前',
  '迎宾',
  '公园',
  '体育',
  '北环',
  '南环',
  '东环',
  '西环',
  '兴业',
  '民生',
  '福民',
  '安康',
  '和谐',
  '文明',
  '清河',
  '绿园',
  '景阳',
  '书香',
  '嘉禾',
  '紫荆',
  '海棠',
  '银杏',
  '梧桐',
  '丁香',
  '松柏',
  '青年',
  '前进'
];

const LOCAL_WORDS: Record<DistrictCode, string[]> = {
  '230102': [
    '松江',
    '江畔',
    '顾乡',
    '群力',
    '爱建',
    '安升',
    '安心',
    '安发',
    '安宁',
    '河图',
    '经纬',
    '兆麟',
    '地段',
    '新阳',
    '抚顺',
    '通江',
    '尚志',
    '森林',
    '西江',
    '友谊',
    '北安',
    '端街',
    '红专',
    '工程',
    '城乡',
    '康安',
    '正阳',
    '共乐'
  ],
  '370881': [
    '春秋',
    '杏坛',
    '大成',
    '静轩',
    '鼓楼',
    '崇文',
    '明德',
    '弘道',
    '逵泉',
    '沂河',
    '泗河',
    '尼山',
    '颜庙',
    '阙里',
    '书院',
    '归德',
    '仓巷',
    '棋盘',
    '舞雩',
    '杏林',
    '孔林',
    '周公',
    '延恩',
    '五马'
  ],
  '371602': [
    '黄河',
    '渤海',
    '长江',
    '梧桐',
    '玉龙湖',
    '中海',
    '蒲湖',
    '秦皇河',
    '滨北',
    '彭李',
    '市中',
    '新立河',
    '凤凰',
    '黄河口',
    '渤海湾',
    '北海',
    '东城',
    '西城',
    '南海',
    '杜店',
    '梁才',
    '滨湖',
    '鲁北',
    '小开河'
  ]
};

const CN_NUM = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function cnNumber(n: number): string {
  if (n <= 10) return CN_NUM[n] || '十';
  if (n < 20) return `十${CN_NUM[n - 10]}`;
  if (n < 100) return `${CN_NUM[Math.floor(n / 10)]}十${CN_NUM[n % 10]}`;
  return String(n);
}

/** Hands out road names without repeating within a district. */
export class RoadNamer {
  private used = new Set<string>();
  private words: string[];
  private local: string[];
  private counter = 0;

  constructor(
    private rng: Rng,
    private district: DistrictCode
  ) {
    // A district without words of its own (the province generator's) names from the common ones.
    this.local = LOCAL_WORDS[district] ?? COMMON_WORDS;
    this.words = [...(LOCAL_WORDS[district] ?? []), ...COMMON_WORDS];
  }

  private unique(make: () => string): string {
    for (let i = 0; i < 50; i++) {
      const n = make();
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
    const n = `${make()}${cnNumber(++this.counter)}`;
    this.used.add(n);
    return n;
  }

  primary(): string {
    return this.unique(() => `${pick(this.rng, this.words)}${pick(this.rng, ['大街', '大道', '路', '大街', '路'])}`);
  }

  secondary(): string {
    return this.unique(() => `${pick(this.rng, this.words)}${pick(this.rng, ['路', '街', '路', '街', '二路'])}`);
  }

  /** Local roads of the lattice, numbered by their position (`index` ≥ 1) along an axis. */
  lattice(axis: 'ew' | 'ns', index: number, baseWord: string): string {
    if (this.district === '230102') {
      // Harbin numbers its cross streets: 西十二道街, 中医街 ...
      return this.unique(() =>
        axis === 'ew' ? `${baseWord}${cnNumber(index)}道街` : `${pick(this.rng, this.words)}街`
      );
    }
    if (this.district === '371602') {
      // Binzhou numbers its grid: 黄河五路 (east–west), 渤海十八路 (north–south).
      return this.unique(() => (axis === 'ew' ? `黄河${cnNumber(index)}路` : `渤海${cnNumber(index)}路`));
    }
    return this.unique(() => `${pick(this.rng, this.words)}${axis === 'ew' ? '路' : '街'}`);
  }

  localWord(): string {
    return pick(this.rng, this.local);
  }

  word(): string {
    return pick(this.rng, this.words);
  }

  lane(): string {
    return this.unique(() => `${pick(this.rng, this.words)}${pick(this.rng, ['巷', '胡同', '里'])}`);
  }

  road(): string {
    return this.unique(() => `${pick(this.rng, this.words)}路`);
  }
}

const ESTATE_WORDS = [
  '阳光',
  '锦绣',
  '翠湖',
  '幸福',
  '和平',
  '金色',
  '书香',
  '怡景',
  '御景',
  '华府',
  '盛世',
  '东方',
  '明珠',
  '丽水',
  '碧水',
  '紫金',
  '天润',
  '嘉和',
  '泰和',
  '润泽',
  '观澜',
  '康城',
  '清华',
  '雅居',
  '欣悦',
  '恒泰',
  '鑫源',
  '美林',
  '香榭',
  '凯旋',
  '万嘉',
  '富华',
  '世纪',
  '金港',
  '滨江',
  '蓝湾',
  '绿洲',
  '宏达',
  '安泰',
  '瑞祥',
  '新城',
  '龙府',
  '君悦',
  '银座',
  '华庭',
  '水岸',
  '佳园',
  '馨苑',
  '春天',
  '瑞丰',
  '凤凰',
  '紫薇',
  '兰亭',
  '玉兰',
  '海德'
];
const COMMERCIAL_SUFFIX = [
  '花园',
  '家园',
  '华府',
  '名苑',
  '雅苑',
  '小区',
  '公馆',
  '嘉园',
  '新城',
  '府',
  '国际',
  '一品',
  '壹号院'
];
const UNITS = [
  '机械厂',
  '纺织厂',
  '电业局',
  '铁路',
  '粮库',
  '第一中学',
  '市政',
  '卫生局',
  '供销社',
  '制药厂',
  '锅炉厂',
  '轴承厂',
  '亚麻厂',
  '电机厂',
  '电缆厂',
  '建筑公司',
  '交通局',
  '邮电局',
  '水务局',
  '师范学校',
  '人民医院',
  '农机厂',
  '化工厂',
  '食品厂',
  '印刷厂',
  '物资局',
  '公安局',
  '税务局',
  '银行',
  '造纸厂',
  '棉纺厂',
  '汽车站',
  '粮食局'
];
const WORK_UNIT_SUFFIX = ['宿舍', '家属院', '家属楼', '小区'];
const OLD_SUFFIX = ['小区', '里', '楼群', '小区', '大院', '新村'];
const RESETTLEMENT_SUFFIX = ['安置小区', '新居', '家园', '回迁小区', '新村', '佳苑'];

/** Hands out compound names without repeating within a district. */
export class CompoundNamer {
  private used = new Set<string>();

  constructor(private rng: Rng) {}

  name(kind: CompoundKind, hints: { road: string; community: string; word: string }): string {
    const base = this.make(kind, hints);
    if (!this.used.has(base)) {
      this.used.add(base);
      return base;
    }
    for (const tag of ['东区', '西区', '南区', '北区', '二期', '三期', '一区', '二区', '三区', '四区']) {
      const n = `${base}${tag}`;
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
    for (let i = 5; ; i++) {
      const n = `${base}${cnNumber(i)}区`;
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }

  private make(kind: CompoundKind, h: { road: string; community: string; word: string }): string {
    const r = this.rng;
    const road = h.road.replace(/(大街|大道|道街|路|街|胡同|巷|里)$/, '');
    const comm = h.community.replace(/社区$/, '');
    switch (kind) {
      case 'commercial':
        return `${pick(r, ESTATE_WORDS)}${pick(r, COMMERCIAL_SUFFIX)}`;
      case 'work_unit':
        return `${pick(r, UNITS)}${pick(r, WORK_UNIT_SUFFIX)}`;
      case 'resettlement':
        return `${pick(r, [comm, h.word, comm])}${pick(r, RESETTLEMENT_SUFFIX)}`;
      case 'old':
      default:
        return `${pick(r, [road, comm, h.word])}${pick(r, OLD_SUFFIX)}`;
    }
  }
}
