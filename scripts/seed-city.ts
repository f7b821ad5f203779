/**
 * The demonstration data set: a synthetic Jinhua whose statistics are EXACTLY the published figures (DOMAIN.md):
 * 440 policies issued to 137 distinct enterprises with 2.15亿元 sum insured; 9 national demonstration, 8 national
 * advantage and 28 provincial demonstration enterprises; 210亿元 of new pledge financing registered this year —
 * with realistic portfolios, banks and insurers around them.
 *
 * Two halves:
 * - `planCity(today)` is pure and deterministic (a fixed-seed PRNG): every enterprise, asset, pledge, policy,
 *   claim and designation, with its fate. It checks its own totals against the published figures and throws if
 *   they are off, so an edit that breaks exactness fails before a single request.
 * - `seedCity(call, …)` loads the plan through the PUBLIC API only (`call` is an HTTP client in `npm run seed`,
 *   `portal.call` in the test): every creating POST and every action carries an Idempotency-Key, so a request
 *   retried after a 503 or a lost connection is applied once. Enterprises are independent of each other, so
 *   their work runs `concurrency` at a time; one enterprise's steps run in order.
 *
 * Dates are relative to the day the seed runs (assets granted "this year", pledges registered on the days from the
 * loan book's start to today, `registrationDays`), so the figures are this year's whenever it runs. The ids the portal assigns differ per run; the figures never do.
 */
import type { Role } from '../shared/auth/principal.js';
import { addDays, addYears, compareDates, type IsoDate, todayInShanghai } from '../shared/domain/dates.js';
import type { DesignationLevel } from '../shared/domain/designation.js';
import { CHECKLISTS } from '../shared/domain/document.js';
import {
  capAmountFen,
  DEFAULT_MAX_LTV_BPS,
  type LtvKind,
  type MaxLtvBps,
} from '../shared/domain/lending-policy.js';
import { maturityFrom } from '../shared/domain/loan.js';
import type { RepaymentType } from '../shared/domain/loan-schedule.js';
import { WAN_YUAN_FEN, YI_YUAN_FEN } from '../shared/domain/money.js';
import { patentCheckCharacter } from '../shared/domain/patent-number.js';
import type { CoverageLine } from '../shared/domain/policy.js';
import { loanMaturity, patentExpiresOn, trademarkExpiresOn } from '../shared/domain/terms.js';
import { withUsccCheck } from '../shared/domain/uscc.js';
import { pdfDeclaration, samplePdf } from './sample-pdf.js';

// ---- The published figures -------------------------------------------------------------------------------------

export const PUBLISHED = {
  policiesIssued: 440,
  insuredEnterprises: 137,
  sumInsuredFen: 2.15 * YI_YUAN_FEN, // 2.15亿元
  registeredAmountFen: 210 * YI_YUAN_FEN, // 210亿元
  designations: { national_demonstration: 9, national_advantage: 8, provincial_demonstration: 28 },
} as const;

const SEED = 20231027;
/** Bumped when the plan changes, so idempotency keys of an older plan can never replay into a newer one. */
const PLAN_VERSION = 'v1';

const ENTERPRISES = 180;
const REGISTERED_PLEDGES = 150;

// ---- Deterministic randomness ----------------------------------------------------------------------------------

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const weighted = <T>(items: readonly T[], weights: readonly number[]): T => {
    let r = next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  };
  /** exp(σ·N(0,1)): a long right tail, like firm sizes and loan amounts. */
  const lognormal = (sigma: number) => {
    const u = 1 - next();
    const v = next();
    return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };
  /** k distinct indexes of `weights`, each draw proportional to the weights left. */
  const sampleWithout = (weights: readonly number[], k: number, exclude: ReadonlySet<number> = new Set()) => {
    const left = weights.map((w, i) => (exclude.has(i) ? 0 : w));
    const chosen: number[] = [];
    for (let n = 0; n < k; n++) {
      const i = weighted(
        left.map((_, j) => j),
        left,
      );
      chosen.push(i);
      left[i] = 0;
    }
    return chosen;
  };
  return { next, int, pick, weighted, lognormal, sampleWithout, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

/**
 * Splits `total` units into integers proportional to `weights`, each at least `min`, summing EXACTLY to `total`
 * (largest remainder).
 */
export function allocate(total: number, weights: readonly number[], min: number): number[] {
  const spare = total - min * weights.length;
  if (spare < 0)
    throw new RangeError(`cannot give ${weights.length} shares of at least ${min} from ${total}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (spare * w) / sum);
  const shares = exact.map(Math.floor);
  let rest = spare - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (rest === 0) break;
    shares[i]!++;
    rest--;
  }
  return shares.map((s) => s + min);
}

// ---- The city --------------------------------------------------------------------------------------------------

/** Jinhua's county-level divisions with their share of enterprises (Yiwu, Yongkang and Dongyang lead). */
const DIVISIONS = [
  { code: '330782', place: '义乌', weight: 22 },
  { code: '330784', place: '永康', weight: 14 },
  { code: '330783', place: '东阳', weight: 11 },
  { code: '330702', place: '金华', weight: 11 },
  { code: '330703', place: '金华', weight: 9 },
  { code: '330781', place: '兰溪', weight: 8 },
  { code: '330723', place: '武义', weight: 8 },
  { code: '330726', place: '浦江', weight: 8 },
  { code: '330727', place: '磐安', weight: 4 },
  // Registered elsewhere (the city level, Hangzhou, Shanghai): reported as "other".
  { code: '330700', place: '浙江', weight: 2 },
  { code: '330106', place: '杭州', weight: 2 },
  { code: '310115', place: '上海', weight: 1 },
] as const;

const BRANDS = [
  '恒达',
  '华盛',
  '鑫源',
  '宏图',
  '天和',
  '金鼎',
  '众诚',
  '瑞丰',
  '永盛',
  '博远',
  '中科',
  '新亚',
  '康宁',
  '正泰',
  '凯力',
  '德信',
  '星辰',
  '联创',
  '汇通',
  '长青',
  '开元',
  '嘉利',
  '东方',
  '远景',
  '明远',
  '顺发',
  '国泰',
  '立信',
  '晨光',
  '海纳',
];
const INDUSTRIES = [
  { word: '五金', industry: '五金工具制造' },
  { word: '工具', industry: '五金工具制造' },
  { word: '电器', industry: '家用电器制造' },
  { word: '纺织', industry: '纺织业' },
  { word: '针织', industry: '纺织服装' },
  { word: '饰品', industry: '小商品制造' },
  { word: '食品', industry: '食品制造' },
  { word: '医药', industry: '医药制造' },
  { word: '科技', industry: '软件和信息技术服务' },
  { word: '机械', industry: '通用设备制造' },
  { word: '电机', industry: '电气机械制造' },
  { word: '汽配', industry: '汽车零部件制造' },
  { word: '门业', industry: '金属制品' },
  { word: '家居', industry: '家具制造' },
  { word: '光电', industry: '电子器件制造' },
  { word: '新材料', industry: '新材料' },
];
const PATENT_TITLES = [
  '一种保温杯的密封结构',
  '一种电动工具的散热装置',
  '一种智能门锁',
  '一种防盗门的铰链',
  '一种电动车控制器',
  '一种针织圆机的送纱装置',
  '一种饰品的电镀工艺',
  '一种火腿的腌制方法',
  '一种中药提取装置',
  '一种光伏组件的边框',
  '一种磁性材料的制备方法',
  '一种园林工具',
  '一种汽车刹车片',
  '一种家具的连接件',
  '一种LED灯具的散热结构',
];
const PLEDGE_PURPOSES = ['流动资金周转', '技术改造', '研发投入', '原材料采购', '扩大产能', '设备购置'];

/** The banks (质权人) with their loan-to-value caps (null: the portal's default policy). */
const LENDERS: { id: string; name: string; weight: number; maxLtvBps: MaxLtvBps | null }[] = [
  {
    id: 'icbc-jinhua',
    name: '中国工商银行金华分行',
    weight: 18,
    maxLtvBps: { invention: 3000, utility_model: 2000, design: 1500, trademark: 5000 },
  },
  { id: 'ccb-jinhua', name: '中国建设银行金华分行', weight: 16, maxLtvBps: null },
  {
    id: 'boc-jinhua',
    name: '中国银行金华分行',
    weight: 10,
    maxLtvBps: { invention: 2500, utility_model: 1500, design: 1000, trademark: 4000 },
  },
  { id: 'abc-jinhua', name: '中国农业银行金华分行', weight: 12, maxLtvBps: null },
  {
    id: 'jinhua-bank',
    name: '金华银行',
    weight: 20,
    maxLtvBps: { invention: 3000, utility_model: 2000, design: 1500, trademark: 5000 },
  },
  {
    id: 'yiwu-rcb',
    name: '义乌农商银行',
    weight: 14,
    maxLtvBps: { invention: 2000, utility_model: 1500, design: 1000, trademark: 5000 },
  },
  { id: 'zj-tailong-bank', name: '浙江泰隆商业银行金华分行', weight: 10, maxLtvBps: null },
];
const INSURERS = [
  { id: 'picc-jinhua', name: '中国人民财产保险金华市分公司', weight: 45 },
  { id: 'cpic-jinhua', name: '中国太平洋财产保险金华中心支公司', weight: 25 },
  { id: 'pingan-jinhua', name: '中国平安财产保险金华中心支公司', weight: 20 },
  { id: 'chinalife-pc-jinhua', name: '中国人寿财产保险金华市中心支公司', weight: 10 },
];
/** Lines other than the pledge guarantee, most common first (enforcement cost is the programme's core). */
const PLAIN_LINES: CoverageLine[] = [
  'enforcement_cost',
  'infringement_loss',
  'infringement_liability',
  'application_cost',
  'overseas_enforcement',
];
const PLAIN_LINE_WEIGHTS = [40, 25, 15, 12, 8];

// ---- Plan types ------------------------------------------------------------------------------------------------

export interface PlannedAsset {
  key: string;
  body: Record<string, unknown>;
  ltvKind: LtvKind;
  expiresOn: IsoDate;
  /** Granted/registered and in force today. */
  inForce: boolean;
  /** Created, then deleted again (a lapsed right the enterprise cleaned up). */
  deleted: boolean;
}

export const PLEDGE_FATES = [
  'submitted',
  'under_review',
  'approved',
  'rejected',
  'withdrawn',
  'registration_refused',
  'registered',
  'active',
  'repaid',
  'defaulted',
  'released_repaid',
  'released_defaulted',
  'released_disposed',
] as const;
export type PledgeFate = (typeof PLEDGE_FATES)[number];

/** The actions that take a new pledge to its fate (every fate from `registered` on counts as registered). */
const PLEDGE_PATHS: Record<PledgeFate, readonly string[]> = {
  submitted: [],
  under_review: ['review'],
  approved: ['review', 'approve'],
  rejected: ['review', 'reject'],
  withdrawn: ['review', 'withdraw'],
  registration_refused: ['review', 'approve', 'refuse'],
  registered: ['review', 'approve', 'register'],
  active: ['review', 'approve', 'register', 'disburse'],
  repaid: ['review', 'approve', 'register', 'disburse', 'repay'],
  defaulted: ['review', 'approve', 'register', 'disburse', 'default'],
  released_repaid: ['review', 'approve', 'register', 'disburse', 'repay', 'release'],
  released_defaulted: ['review', 'approve', 'register', 'disburse', 'default', 'release'],
  released_disposed: ['review', 'approve', 'register', 'disburse', 'default', 'dispose', 'release'],
};
export const isRegisteredFate = (fate: PledgeFate) => PLEDGE_PATHS[fate].includes('register');

/** What happens to a loan after its disbursement: done on the seed's last day, after the repayments since. */
const LATER_ACTIONS: ReadonlySet<string> = new Set(['repay', 'default', 'dispose', 'release']);
/** Done on the pledge's own registration day (`registrationDays`), after every enterprise is loaded. */
const REGISTRATION_ACTIONS: ReadonlySet<string> = new Set(['register', 'disburse']);

/**
 * How a disbursed loan has been repaid since: every instalment on its due date, all but the last one due (a few
 * weeks in arrears), or nothing since the first (months in arrears: non-performing).
 */
export type Arrears = 'none' | 'late' | 'non_performing';

export interface PlannedPledge {
  key: string;
  assetKeys: string[];
  lenderId: string;
  appraisedValueFen: number;
  requestedAmountFen: number;
  approvedAmountFen: number;
  annualRateBps: number;
  repaymentType: RepaymentType;
  termMonths: number;
  purpose: string;
  fate: PledgeFate;
  arrears: Arrears;
}

export interface PlannedClaim {
  key: string;
  line: CoverageLine;
  claimedFen: number;
  incidentDate: IsoDate;
  description: string;
  outcome: 'paid' | 'denied' | 'filed';
  paidFen?: number;
}

export interface PlannedPolicy {
  key: string;
  insurerId: string;
  assetKeys: string[];
  coverages: { line: CoverageLine; sumInsuredFen: number; deductibleFen: number }[];
  periodStart: IsoDate;
  periodEnd: IsoDate;
  /** A pledge of the same enterprise (fate `active`) backed by the pledge_guarantee line. */
  guaranteedPledgeKey?: string;
  premiumFen: number;
  fate: 'issued' | 'issued_then_cancelled' | 'applied' | 'declined' | 'cancelled';
  claims: PlannedClaim[];
}

export interface PlannedEnterprise {
  uscc: string;
  name: string;
  industry: string;
  assets: PlannedAsset[];
  /** In order: a pledge's assets are its own, so the order only matters for the guarantees. */
  pledges: PlannedPledge[];
  policies: PlannedPolicy[];
}

export interface PlannedDesignation {
  key: string;
  uscc: string;
  level: DesignationLevel;
  year: number;
  review?: { year: number; outcome: 'pass' | 'fail' };
  /** The year of the advantage title a demonstration title supersedes: designated first, then promoted. */
  promotedFromYear?: number;
}

export interface CityPlan {
  today: IsoDate;
  year: number;
  lenders: typeof LENDERS;
  insurers: typeof INSURERS;
  enterprises: PlannedEnterprise[];
  designations: PlannedDesignation[];
  /** The figures the plan produces this year (checked against PUBLISHED while planning). */
  expected: {
    policiesIssued: number;
    insuredEnterprises: number;
    sumInsuredFen: number;
    registeredAmountFen: number;
    registeredCount: number;
    enterprisesFinanced: number;
    designations: Record<string, number>;
  };
}

// ---- Planning --------------------------------------------------------------------------------------------------

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The number CNIPA would issue for a pledge registration (`Y` + Jinhua's code + 8 digits), fixed by the plan key. */
const cnipaRegistrationNumber = (key: string) => {
  let hash = 2166136261;
  for (const ch of key) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `Y330700${String(hash % 100_000_000).padStart(8, '0')}`;
};
const dateIn = (rng: Rng, year: number) => `${year}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
/** Product lines after a brand, so that an enterprise's marks differ (by the trademark's serial number). */
const MARK_LINES = [
  '',
  '优选',
  '臻品',
  '金标',
  '传承',
  '鲜作',
  '匠心',
  '家乡',
  '山水',
  '时光',
  '良品',
  '初心',
];

/** A day of this year, not after today. */
const dayThisYear = (rng: Rng, today: IsoDate) => {
  const jan1 = `${today.slice(0, 4)}-01-01`;
  return addDays(jan1, rng.int(0, Math.round((Date.parse(today) - Date.parse(jan1)) / 86_400_000)));
};
const minDate = (a: IsoDate, b: IsoDate) => (compareDates(a, b) <= 0 ? a : b);

export function planCity(now: Date = new Date()): CityPlan {
  const rng = prng(SEED);
  const today = todayInShanghai(now);
  const year = Number(today.slice(0, 4));
  let patentSerial = 0;
  let trademarkSerial = 0;

  // Patents and trademarks. `shape` decides the dates: in force, granted/registered this year, expired, pending.
  type Shape = 'in_force' | 'this_year' | 'expired' | 'pending';
  const newAsset = (
    key: string,
    kind: 'invention' | 'utility_model' | 'design' | 'trademark',
    shape: Shape,
    brand: string,
  ): PlannedAsset => {
    if (kind === 'trademark') {
      const registrationDate =
        shape === 'this_year'
          ? dayThisYear(rng, today)
          : shape === 'expired'
            ? dateIn(rng, year - rng.int(11, 14))
            : dateIn(rng, year - rng.int(1, 8));
      const expiresOn = trademarkExpiresOn(registrationDate);
      const niceClasses = [...new Set([rng.int(1, 34), ...(rng.chance(0.3) ? [35] : [])])].sort(
        (a, b) => a - b,
      );
      return {
        key,
        body: {
          kind: 'trademark',
          number: String(20_000_000 + ++trademarkSerial * 7),
          // Each of an enterprise's marks its own (a brand and a product line): the same mark in overlapping
          // classes would have to be pledged together.
          mark: `${brand}${MARK_LINES[trademarkSerial % MARK_LINES.length]}`,
          niceClasses,
          registrationDate,
        },
        ltvKind: 'trademark',
        expiresOn,
        inForce: compareDates(expiresOn, today) >= 0,
        deleted: false,
      };
    }
    const digit = { invention: 1, utility_model: 2, design: 3 }[kind];
    const filingYear =
      shape === 'this_year'
        ? year - rng.int(1, 3)
        : shape === 'pending'
          ? year - rng.int(0, 2)
          : shape === 'expired'
            ? kind === 'invention'
              ? year - rng.int(21, 22)
              : year - rng.int(12, 15)
            : kind === 'invention'
              ? year - rng.int(2, 12)
              : year - rng.int(2, 6);
    const filingDate = minDate(dateIn(rng, filingYear), today);
    const grantDate =
      shape === 'pending'
        ? undefined
        : shape === 'this_year'
          ? dayThisYear(rng, today)
          : minDate(
              addDays(filingDate, kind === 'invention' ? rng.int(500, 900) : rng.int(150, 300)),
              `${year - 1}-12-31`,
            );
    const body8 = `${filingYear}${digit}${String(100_000 + ++patentSerial * 13).padStart(7, '0')}`;
    const expiresOn = patentExpiresOn(kind, filingDate);
    return {
      key,
      body: {
        kind: 'patent',
        number: `${body8}.${patentCheckCharacter(body8)}`,
        title: rng.pick(PATENT_TITLES),
        filingDate,
        ...(grantDate ? { grantDate } : {}),
      },
      ltvKind: kind,
      expiresOn,
      inForce: grantDate !== undefined && compareDates(expiresOn, today) >= 0,
      deleted: false,
    };
  };

  // Enterprises: a size (long tail) drives how much IP, credit and cover each one has.
  const usedNames = new Set<string>();
  const sizes: number[] = [];
  const enterprises: PlannedEnterprise[] = [];
  for (let i = 0; i < ENTERPRISES; i++) {
    const division = rng.weighted(
      DIVISIONS,
      DIVISIONS.map((d) => d.weight),
    );
    const first17 = `91${division.code}MA2${String(1000 + i * 7).padStart(6, '0')}`;
    let name = '';
    let trade = INDUSTRIES[0]!;
    let brand = '';
    do {
      brand = rng.pick(BRANDS);
      trade = rng.pick(INDUSTRIES);
      name = `${division.place}${brand}${trade.word}${rng.chance(0.3) ? '股份' : ''}有限公司`;
    } while (usedNames.has(name));
    usedNames.add(name);
    const size = rng.lognormal(0.9);
    sizes.push(size);
    const assets: PlannedAsset[] = [];
    // Every enterprise holds at least one long-lived right it can insure.
    assets.push(newAsset(`e${i}-a0`, rng.chance(0.6) ? 'invention' : 'trademark', 'in_force', brand));
    const more = Math.min(5, Math.floor(size * 0.8 + rng.next()));
    for (let k = 1; k <= more; k++) {
      const kind = rng.weighted(
        ['invention', 'utility_model', 'design', 'trademark'] as const,
        [25, 40, 15, 20],
      );
      const shape = rng.weighted<Shape>(['in_force', 'this_year', 'expired', 'pending'], [70, 14, 8, 8]);
      const asset = newAsset(
        `e${i}-a${k}`,
        kind,
        kind === 'trademark' && shape === 'pending' ? 'in_force' : shape,
        brand,
      );
      // Some lapsed rights are cleaned out of the portfolio again.
      asset.deleted = !asset.inForce && asset.body.grantDate !== undefined && rng.chance(0.4);
      assets.push(asset);
    }
    enterprises.push({
      uscc: withUsccCheck(first17),
      name,
      industry: trade.industry,
      assets,
      pledges: [],
      policies: [],
    });
  }

  // ---- Pledges: REGISTERED_PLEDGES registered this year, their approved amounts summing EXACTLY to 210亿元 -----------
  const lenderWeights = LENDERS.map((l) => l.weight);
  const capOf = (lenderId: string, kinds: LtvKind[]) => {
    const policy = LENDERS.find((l) => l.id === lenderId)!.maxLtvBps ?? DEFAULT_MAX_LTV_BPS;
    return Math.min(...kinds.map((k) => policy[k]));
  };
  const registeredFates: PledgeFate[] = [];
  for (let n = 0; n < REGISTERED_PLEDGES; n++)
    registeredFates.push(
      rng.weighted<PledgeFate>(
        ['active', 'repaid', 'released_repaid', 'defaulted', 'released_defaulted', 'registered'],
        [70, 11, 8, 2, 3, 6],
      ),
    );
  // One defaulted loan's rights were auctioned before the release (the rest were released by waiver).
  registeredFates[registeredFates.indexOf('released_defaulted')] = 'released_disposed';
  // The loan book's own draws come from a second generator, so the published figures' draws stay as they were.
  const loanRng = prng(SEED + 1);
  const openFates: PledgeFate[] = [
    ...Array<PledgeFate>(10).fill('submitted'),
    ...Array<PledgeFate>(10).fill('under_review'),
    ...Array<PledgeFate>(8).fill('approved'),
    ...Array<PledgeFate>(8).fill('rejected'),
    ...Array<PledgeFate>(7).fill('withdrawn'),
    ...Array<PledgeFate>(5).fill('registration_refused'),
  ];
  // In 万元: loans are granted in whole 万元; the shares sum to exactly 210亿元 = 2,100,000 万元 × 10.
  const registeredWan = allocate(
    PUBLISHED.registeredAmountFen / WAN_YUAN_FEN,
    registeredFates.map(() => rng.lognormal(1.0)),
    100,
  );
  const fates = [...registeredFates, ...openFates];
  let pledgeSerial = 0;
  fates.forEach((fate, n) => {
    const ent = rng.weighted(
      enterprises.map((_, i) => i),
      sizes,
    );
    const enterprise = enterprises[ent]!;
    const lenderId = rng.weighted(
      LENDERS.map((l) => l.id),
      lenderWeights,
    );
    // The pledged rights: one or two of its own, in force well past the loan's maturity.
    const brand = enterprise.name.slice(2, 4);
    const assets = Array.from({ length: rng.chance(0.3) ? 2 : 1 }, (_, k) =>
      newAsset(
        `e${ent}-p${pledgeSerial}-${k}`,
        rng.weighted(['invention', 'trademark', 'utility_model'] as const, [60, 28, 12]),
        'in_force',
        brand,
      ),
    );
    enterprise.assets.push(...assets);
    const earliestExpiry = assets.map((a) => a.expiresOn).sort()[0]!;
    const termMonths =
      [36, 24, 12].find(
        (t) => rng.chance(t === 12 ? 1 : 0.35) && compareDates(loanMaturity(today, t), earliestExpiry) <= 0,
      ) ?? 12;
    const approvedFen =
      n < registeredFates.length ? registeredWan[n]! * WAN_YUAN_FEN : rng.int(50, 3000) * WAN_YUAN_FEN;
    // Three in ten lenders approve less than was asked for (5–25 % less).
    const requestedFen = rng.chance(0.3)
      ? approvedFen + Math.ceil((approvedFen * rng.int(5, 25)) / 100 / WAN_YUAN_FEN) * WAN_YUAN_FEN
      : approvedFen;
    const cap = capOf(
      lenderId,
      assets.map((a) => a.ltvKind),
    );
    // Appraised so that the lender's cap allows the approval, with a realistic margin, in whole 万元.
    const minAppraisedWan = Math.ceil((requestedFen * 10_000) / cap / WAN_YUAN_FEN);
    const appraisedFen = Math.ceil(minAppraisedWan * (1 + rng.next() * 0.4)) * WAN_YUAN_FEN;
    if (
      capAmountFen(appraisedFen, cap) < approvedFen ||
      requestedFen > appraisedFen ||
      approvedFen > requestedFen
    )
      throw new Error(`planCity: pledge ${n} breaks the lender's cap; fix the plan`);
    enterprise.pledges.push({
      key: `pledge-${pledgeSerial++}`,
      assetKeys: assets.map((a) => a.key),
      lenderId,
      appraisedValueFen: appraisedFen,
      requestedAmountFen: requestedFen,
      approvedAmountFen: approvedFen,
      annualRateBps: rng.int(300, 550),
      repaymentType: loanRng.weighted<RepaymentType>(
        ['equal_instalment', 'equal_principal', 'interest_only', 'bullet'],
        [45, 20, 20, 15],
      ),
      termMonths,
      purpose: rng.pick(PLEDGE_PURPOSES),
      fate,
      arrears: loanRng.weighted<Arrears>(['none', 'late', 'non_performing'], [92, 6, 2]),
    });
  });

  // ---- Policies: 440 issued to exactly 137 enterprises, their sums insured adding up to exactly 2.15亿元 ----------
  const insured = rng.sampleWithout(sizes, PUBLISHED.insuredEnterprises);
  const extraPolicies = allocate(
    PUBLISHED.policiesIssued,
    insured.map((i) => sizes[i]!),
    1,
  );
  const holders = insured.flatMap((ent, k) => Array<number>(extraPolicies[k]!).fill(ent));
  // In 100元 units, at least 5万元 a policy.
  const policyUnits = allocate(
    PUBLISHED.sumInsuredFen / 10_000,
    holders.map(() => rng.lognormal(0.8)),
    500,
  );
  let policySerial = 0;
  let claimSerial = 0;
  const cancelledAfterIssue = new Set(
    rng.sampleWithout(
      holders.map(() => 1),
      15,
    ),
  );
  const withClaims = new Set(
    rng.sampleWithout(
      holders.map(() => 1),
      32,
    ),
  );
  const planPolicy = (
    ent: number,
    fate: PlannedPolicy['fate'],
    totalUnits: number,
    claimed: boolean,
  ): PlannedPolicy => {
    const enterprise = enterprises[ent]!;
    const periodStart = dayThisYear(rng, today);
    const periodEnd = addDays(addYears(periodStart, 1), -1);
    const candidates = enterprise.assets.filter(
      (a) => a.inForce && !a.deleted && compareDates(a.expiresOn, periodEnd) >= 0,
    );
    const assetKeys = rng
      .sampleWithout(
        candidates.map(() => 1),
        Math.min(candidates.length, rng.int(1, 3)),
      )
      .map((i) => candidates[i]!.key);
    const guaranteed = enterprise.pledges.find(
      (p) => p.fate === 'active' && !enterprise.policies.some((q) => q.guaranteedPledgeKey === p.key),
    );
    // A guarantee cannot be cancelled while its loan runs, so a policy cancelled after issue guarantees nothing.
    const withGuarantee = guaranteed !== undefined && rng.chance(0.25) && fate !== 'issued_then_cancelled';
    const lineCount = withGuarantee ? rng.int(1, 2) : rng.int(1, 3);
    const plainLines = rng.sampleWithout(PLAIN_LINE_WEIGHTS, lineCount).map((i) => PLAIN_LINES[i]!);
    const lines: CoverageLine[] = withGuarantee ? ['pledge_guarantee', ...plainLines] : plainLines;
    const units = allocate(
      totalUnits,
      lines.map(() => 0.5 + rng.next()),
      1,
    );
    const coverages = lines.map((line, k) => {
      const sumInsuredFen = units[k]! * 10_000;
      return {
        line,
        sumInsuredFen,
        deductibleFen: rng.chance(0.5) ? 0 : Math.floor(sumInsuredFen / 20 / 100) * 100,
      };
    });
    const sumInsured = coverages.reduce((a, c) => a + c.sumInsuredFen, 0);
    const claims: PlannedClaim[] = [];
    if (claimed) {
      const paidOnLine = new Map<CoverageLine, number>();
      // The company claims on its own lines; a guarantee's claims are the bank's, opened by a default.
      const claimable = coverages.filter((c) => c.line !== 'pledge_guarantee');
      for (let c = rng.int(1, 2); c > 0; c--) {
        const coverage = rng.pick(claimable);
        // The deductible comes off each claim; the line pays at most its sum insured over all its claims.
        const remaining = coverage.sumInsuredFen - (paidOnLine.get(coverage.line) ?? 0);
        const claimedFen =
          coverage.deductibleFen +
          Math.max(100, Math.floor((remaining * (0.05 + rng.next() * 0.5)) / 100) * 100);
        const payable = Math.min(claimedFen - coverage.deductibleFen, remaining);
        const drawn = rng.weighted(['paid', 'denied', 'filed'] as const, [60, 25, 15]);
        // Paid in whole yuan, half to all of what the claim may be paid, never beyond what the line has left.
        const outcome = drawn === 'paid' && payable < 100 ? 'denied' : drawn;
        const paidFen =
          outcome === 'paid'
            ? Math.min(payable, Math.max(100, Math.floor((payable * (0.5 + rng.next() * 0.5)) / 100) * 100))
            : undefined;
        if (paidFen !== undefined)
          paidOnLine.set(coverage.line, (paidOnLine.get(coverage.line) ?? 0) + paidFen);
        const span = Math.round((Date.parse(today) - Date.parse(periodStart)) / 86_400_000);
        claims.push({
          key: `claim-${claimSerial++}`,
          line: coverage.line,
          claimedFen,
          incidentDate: addDays(periodStart, rng.int(0, span)),
          description: rng.pick([
            '展会现场发现侵权产品',
            '电商平台销售仿冒商品',
            '竞争对手涉嫌专利侵权',
            '海外展会遭遇侵权投诉',
          ]),
          outcome,
          ...(paidFen === undefined ? {} : { paidFen }),
        });
      }
    }
    return {
      key: `policy-${policySerial++}`,
      insurerId: rng.weighted(
        INSURERS.map((s) => s.id),
        INSURERS.map((s) => s.weight),
      ),
      assetKeys,
      coverages,
      periodStart,
      periodEnd,
      ...(withGuarantee ? { guaranteedPledgeKey: guaranteed.key } : {}),
      // 0.6 %–2.5 % of the sum insured, in whole yuan.
      premiumFen: Math.round((sumInsured * (0.006 + rng.next() * 0.019)) / 100) * 100,
      fate,
      claims,
    };
  };
  holders.forEach((ent, k) => {
    enterprises[ent]!.policies.push(
      planPolicy(
        ent,
        cancelledAfterIssue.has(k) ? 'issued_then_cancelled' : 'issued',
        policyUnits[k]!,
        withClaims.has(k),
      ),
    );
  });
  // Applications that never became cover: pending, declined, withdrawn by the applicant.
  for (const fate of [
    ...Array<'applied'>(18).fill('applied'),
    ...Array<'declined'>(9).fill('declined'),
    ...Array<'cancelled'>(6).fill('cancelled'),
  ]) {
    const ent = rng.weighted(
      enterprises.map((_, i) => i),
      sizes,
    );
    enterprises[ent]!.policies.push(planPolicy(ent, fate, rng.int(500, 5000), false));
  }

  // ---- Designations: the published counts active, plus titles lost on review or revoked ------------------------
  const designations: PlannedDesignation[] = [];
  const designated = rng.sampleWithout(sizes, 9 + 8 + 28 + 3);
  const levels: [DesignationLevel, number][] = [
    ['national_demonstration', PUBLISHED.designations.national_demonstration],
    ['national_advantage', PUBLISHED.designations.national_advantage],
    ['provincial_demonstration', PUBLISHED.designations.provincial_demonstration],
  ];
  let d = 0;
  for (const [level, count] of levels)
    for (let k = 0; k < count; k++) {
      const designationYear = year - rng.int(0, 3);
      designations.push({
        key: `designation-${d}`,
        uscc: enterprises[designated[d++]!]!.uscc,
        level,
        year: designationYear,
        ...(designationYear < year ? { review: { year: year - 1, outcome: 'pass' as const } } : {}),
        // National demonstration follows at least three years as a national advantage enterprise.
        ...(level === 'national_demonstration'
          ? { promotedFromYear: designationYear - 3 - rng.int(0, 2) }
          : {}),
      });
    }
  // Three provincial titles lost on last year's review.
  for (let k = 0; k < 3; k++)
    designations.push({
      key: `designation-${d}`,
      uscc: enterprises[designated[d++]!]!.uscc,
      level: 'provincial_demonstration',
      year: year - 2,
      review: { year: year - 1, outcome: 'fail' },
    });

  const plan: CityPlan = {
    today,
    year,
    lenders: LENDERS,
    insurers: INSURERS,
    enterprises,
    designations,
    expected: tally(enterprises, designations),
  };
  checkAgainstPublished(plan);
  return plan;
}

function tally(enterprises: PlannedEnterprise[], designations: PlannedDesignation[]): CityPlan['expected'] {
  const registered = enterprises.flatMap((e) =>
    e.pledges.filter((p) => isRegisteredFate(p.fate)).map((p) => ({ e, p })),
  );
  const issued = enterprises.flatMap((e) =>
    e.policies
      .filter((p) => p.fate === 'issued' || p.fate === 'issued_then_cancelled')
      .map((p) => ({ e, p })),
  );
  const active = designations.filter((x) => x.review?.outcome !== 'fail');
  return {
    policiesIssued: issued.length,
    insuredEnterprises: new Set(issued.map(({ e }) => e.uscc)).size,
    sumInsuredFen: issued.reduce((a, { p }) => a + p.coverages.reduce((b, c) => b + c.sumInsuredFen, 0), 0),
    registeredAmountFen: registered.reduce((a, { p }) => a + p.approvedAmountFen, 0),
    registeredCount: registered.length,
    enterprisesFinanced: new Set(registered.map(({ e }) => e.uscc)).size,
    designations: Object.fromEntries(
      [
        'national_demonstration',
        'national_advantage',
        'provincial_demonstration',
        'provincial_advantage',
      ].map((l) => [l, active.filter((x) => x.level === l).length]),
    ),
  };
}

function checkAgainstPublished(plan: CityPlan): void {
  const e = plan.expected;
  const wrong = [
    e.policiesIssued !== PUBLISHED.policiesIssued && `policies issued ${e.policiesIssued}`,
    e.insuredEnterprises !== PUBLISHED.insuredEnterprises && `insured enterprises ${e.insuredEnterprises}`,
    e.sumInsuredFen !== PUBLISHED.sumInsuredFen && `sum insured ${e.sumInsuredFen} fen`,
    e.registeredAmountFen !== PUBLISHED.registeredAmountFen &&
      `registered financing ${e.registeredAmountFen} fen`,
    ...Object.entries(PUBLISHED.designations).map(
      ([level, n]) => e.designations[level] !== n && `${level} ${e.designations[level]}`,
    ),
  ].filter(Boolean);
  if (wrong.length > 0)
    throw new Error(`planCity: the plan misses the published figures: ${wrong.join(', ')}`);
}

// ---- Loading through the API -----------------------------------------------------------------------------------

export interface SeedCaller {
  role: Role;
  org?: string | null;
}
export interface SeedResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field
  body: any;
  headers?: Headers;
}
/** One API request: `portal.call` in tests, an HTTP client against the local portal in `npm run seed`. */
export type SeedCall = (
  method: string,
  path: string,
  options: { as: SeedCaller; body?: unknown; headers?: Record<string, string> },
) => Promise<SeedResponse>;

export class SeedRefused extends Error {
  override name = 'SeedRefused';
}

export interface SeedOptions {
  /** The seed's last day (default: today in Asia/Shanghai). */
  today?: IsoDate;
  /**
   * Moves the portal's business date (in-process only). With it the city is loaded as of `loanBookStart(today)`
   * and its loans are repaid — or not — up to `today`, so the loan book has a history and arrears; without it
   * (a portal over HTTP keeps its own date) everything happens today and no instalment has fallen due yet.
   */
  setToday?: (date: IsoDate) => void;
  /**
   * Run with the business date on last year's last day, once last year's pledges are loaded (in-process: the
   * statistics job, so that the dashboard's trend finds last year's final snapshot).
   */
  atLastYearEnd?: (date: IsoDate) => Promise<void>;
  /** Requests in flight at once (default 12). */
  concurrency?: number;
  log?: (line: string) => void;
}

/**
 * The day the seed loads the city, and the first day its pledges are registered and disbursed (the others follow
 * day by day up to `today`, `registrationDays`): 1 January, so the year's pledges spread over its months, every loan
 * counts for this year's published figures, and the first loans have instalments overdue long enough to be
 * non-performing (from late spring on).
 */
export const loanBookStart = (today: IsoDate): IsoDate => `${today.slice(0, 4)}-01-01`;

/**
 * The business day each registered pledge is registered (and, when its path goes on, disbursed): spread over the
 * days from `start` to `today` — so the monthly figures are months, not one bar — by a generator of its own, so the
 * plan's draws (and the published figures) stay as they are. Three kinds stay on `start`, as they need a history:
 * a loan to be paid late or not at all (its instalments must have fallen due), one that defaults, and one whose
 * pledged rights would expire before a later maturity.
 */
export function registrationDays(plan: CityPlan, start: IsoDate, today: IsoDate): Map<string, IsoDate> {
  const rng = prng(SEED + 2);
  const span = Math.max(0, Math.round((Date.parse(today) - Date.parse(start)) / 86_400_000));
  const days = new Map<string, IsoDate>();
  for (const e of plan.enterprises)
    for (const p of e.pledges) {
      if (!isRegisteredFate(p.fate)) continue;
      const day = addDays(start, rng.int(0, span));
      const earliestExpiry = e.assets
        .filter((a) => p.assetKeys.includes(a.key))
        .map((a) => a.expiresOn)
        .sort()[0]!;
      const needsHistory =
        p.arrears !== 'none' ||
        PLEDGE_PATHS[p.fate].includes('default') ||
        compareDates(maturityFrom(p.repaymentType, today, p.termMonths), earliestExpiry) > 0;
      days.set(p.key, needsHistory ? start : day);
    }
  return days;
}

// ---- Last year ---------------------------------------------------------------------------------------------------

/** Last year's registrations: fewer and less than this year's, so the trend compares a growing year. */
export const LAST_YEAR = { pledges: 120, registeredAmountFen: 172 * YI_YUAN_FEN } as const;

/** One of last year's pledges: on a right of its own (granted years before), registered, repaid and released in the year. */
export interface LastYearPledge {
  key: string;
  uscc: string;
  asset: Record<string, unknown>;
  lenderId: string;
  appraisedValueFen: number;
  approvedAmountFen: number;
  annualRateBps: number;
  /** Registered and disbursed that day. */
  registeredOn: IsoDate;
  /** Repaid in full and released that day, still in the year. */
  repaidOn: IsoDate;
}

/**
 * Last year's pledge financing, deterministic (a generator of its own, so this year's plan and its published figures
 * stay as they are): `LAST_YEAR.pledges` registrations summing exactly to `LAST_YEAR.registeredAmountFen`, spread
 * over the year's days, each repaid and released before the year ended, so this year's loan book is the plan's.
 */
export function planLastYear(plan: CityPlan): LastYearPledge[] {
  const rng = prng(SEED + 3);
  const year = plan.year - 1;
  const jan1 = `${year}-01-01`;
  const dec31 = `${year}-12-31`;
  const wan = allocate(
    LAST_YEAR.registeredAmountFen / WAN_YUAN_FEN,
    Array.from({ length: LAST_YEAR.pledges }, () => rng.lognormal(1.0)),
    100,
  );
  return wan.map((amountWan, n) => {
    const enterprise = rng.pick(plan.enterprises);
    const lender = rng.weighted(
      LENDERS,
      LENDERS.map((l) => l.weight),
    );
    const cap = (lender.maxLtvBps ?? DEFAULT_MAX_LTV_BPS).invention;
    const approvedAmountFen = amountWan * WAN_YUAN_FEN;
    const appraisedValueFen =
      Math.ceil(Math.ceil((approvedAmountFen * 10_000) / cap / WAN_YUAN_FEN) * (1 + rng.next() * 0.4)) *
      WAN_YUAN_FEN;
    if (capAmountFen(appraisedValueFen, cap) < approvedAmountFen)
      throw new Error(`planLastYear: pledge ${n} breaks the lender's cap; fix the plan`);
    const filingYear = year - rng.int(3, 8);
    const filingDate = dateIn(rng, filingYear);
    const grantDate = minDate(addDays(filingDate, rng.int(500, 900)), `${year - 1}-12-31`);
    const body8 = `${filingYear}1${String(9_000_000 + n * 7).padStart(7, '0')}`;
    const registeredOn = addDays(jan1, rng.int(0, 330));
    return {
      key: `ly-pledge-${n}`,
      uscc: enterprise.uscc,
      asset: {
        kind: 'patent',
        number: `${body8}.${patentCheckCharacter(body8)}`,
        title: rng.pick(PATENT_TITLES),
        filingDate,
        grantDate,
      },
      lenderId: lender.id,
      appraisedValueFen,
      approvedAmountFen,
      annualRateBps: rng.int(300, 550),
      registeredOn,
      repaidOn: minDate(addDays(registeredOn, rng.int(60, 300)), dec31),
    };
  });
}

export interface SeedResult {
  plan: CityPlan;
  requests: number;
  retries: number;
  durationMs: number;
}

const office: SeedCaller = { role: 'ipoffice' };
const asEnterprise = (uscc: string): SeedCaller => ({ role: 'enterprise', org: uscc });
const asLender = (id: string): SeedCaller => ({ role: 'lender', org: id });
const asInsurer = (id: string): SeedCaller => ({ role: 'insurer', org: id });

const MAX_ATTEMPTS = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items`, `limit` at a time; the first failure stops taking new items and is rethrown. */
async function inPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** Loads the plan into an EMPTY portal through its public API; refuses when enterprises already exist. */
export async function seedCity(call: SeedCall, options: SeedOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const today = options.today ?? todayInShanghai(new Date());
  const start = options.setToday ? loanBookStart(today) : today;
  options.setToday?.(start);
  // Midday in Shanghai of the first day: the plan's "now".
  const plan = planCity(new Date(`${start}T04:00:00Z`));
  const log = options.log ?? (() => {});
  let requests = 0;
  let retries = 0;

  /** One step, retried on 503/429 (and on a lost connection when repeating is safe); any other surprise stops the seed. */
  const send = async (
    step: string,
    method: string,
    path: string,
    as: SeedCaller,
    expected: number[],
    body?: unknown,
  ): Promise<SeedResponse> => {
    // Creating POSTs carry an Idempotency-Key, so repeating one after a lost answer creates nothing twice. An
    // action is not repeated after a lost answer (it may have happened); a 503/429 means it did not, so it is.
    const creates = method === 'POST' && expected.includes(201);
    const headers = creates ? { 'Idempotency-Key': `seed-${PLAN_VERSION}-${step}` } : undefined;
    const repeatable = method !== 'POST' || creates;
    for (let attempt = 1; ; attempt++) {
      requests++;
      let res: SeedResponse | undefined;
      let lost: unknown;
      try {
        res = await call(method, path, {
          as,
          ...(body === undefined ? {} : { body }),
          ...(headers ? { headers } : {}),
        });
      } catch (error) {
        lost = error;
      }
      if (res && expected.includes(res.status)) return res;
      // A retried DELETE whose first attempt went through finds nothing left.
      if (res && method === 'DELETE' && attempt > 1 && res.status === 404) return res;
      const transient = (lost !== undefined && repeatable) || res?.status === 503 || res?.status === 429;
      if (!transient || attempt === MAX_ATTEMPTS) {
        const why = res
          ? `${res.status} ${JSON.stringify(res.body)?.slice(0, 500)}`
          : String((lost as Error)?.message ?? lost);
        throw new Error(`seed step ${step} (${method} ${path}) failed: ${why}`);
      }
      retries++;
      const retryAfter = Number(res?.headers?.get('retry-after') ?? 0);
      await sleep(retryAfter > 0 ? Math.min(retryAfter, 5) * 1000 : 100 * 2 ** attempt);
    }
  };

  const existing = await send('probe', 'GET', '/enterprises?limit=1', office, [200]);
  if ((existing.body?.items?.length ?? 0) > 0)
    throw new SeedRefused(
      'The portal already holds enterprises. The seed loads its synthetic city into an EMPTY portal, so that the ' +
        'statistics are exactly the published figures. Use a fresh data directory (e.g. DATA_DIR=.data-demo for ' +
        'both `npm start` and `npm run seed`) or stop the portal and delete its data directory.',
    );

  for (const lender of plan.lenders) {
    await send(`lender-${lender.id}`, 'PUT', `/institutions/${lender.id}`, office, [200, 201], {
      kind: 'lender',
      name: lender.name,
    });
    if (lender.maxLtvBps)
      await send(`ltv-${lender.id}`, 'PUT', `/institutions/${lender.id}/lending-policy`, office, [200], {
        maxLtvBps: lender.maxLtvBps,
      });
  }
  for (const insurer of plan.insurers)
    await send(`insurer-${insurer.id}`, 'PUT', `/institutions/${insurer.id}`, office, [200, 201], {
      kind: 'insurer',
      name: insurer.name,
    });

  // Last year (only when the business date can move): its registrations day by day, each repaid and released
  // within the year, so the trend has a last year to compare with and this year's figures stay the plan's.
  if (options.setToday) {
    const lastYear = planLastYear(plan);
    options.setToday(`${plan.year - 1}-01-01`);
    const owners = [...new Set(lastYear.map((p) => p.uscc))];
    await inPool(owners, options.concurrency ?? 12, async (uscc) => {
      const e = plan.enterprises.find((x) => x.uscc === uscc)!;
      await send(`ent-${uscc}`, 'PUT', `/enterprises/${uscc}`, office, [200, 201], {
        name: e.name,
        industry: e.industry,
      });
    });
    const events = new Map<IsoDate, { p: LastYearPledge; step: 'open' | 'close' }[]>();
    for (const p of lastYear)
      for (const [day, step] of [
        [p.registeredOn, 'open'],
        [p.repaidOn, 'close'],
      ] as const)
        events.set(day, [...(events.get(day) ?? []), { p, step }]);
    const ids = new Map<string, string>();
    for (const day of [...events.keys()].sort()) {
      options.setToday(day);
      // Those repaid first: a pledge opened and closed the same day never happens (60 days at least).
      const todays = events.get(day)!.sort((a, b) => (a.step === b.step ? 0 : a.step === 'close' ? -1 : 1));
      await inPool(todays, options.concurrency ?? 12, async ({ p, step }) => {
        const lender = asLender(p.lenderId);
        if (step === 'close') {
          const id = ids.get(p.key)!;
          await send(`${p.key}-repay`, 'POST', `/pledges/${id}/repay`, lender, [200]);
          await send(`${p.key}-release`, 'POST', `/pledges/${id}/release`, office, [200]);
          return;
        }
        const me = asEnterprise(p.uscc);
        const asset = await send(
          `${p.key}-asset`,
          'POST',
          `/enterprises/${p.uscc}/assets`,
          me,
          [201],
          p.asset,
        );
        const created = await send(p.key, 'POST', '/pledges', me, [201], {
          lenderId: p.lenderId,
          assetIds: [asset.body.id],
          appraisedValueFen: p.appraisedValueFen,
          requestedAmountFen: p.approvedAmountFen,
          termMonths: 12,
          purpose: '补充流动资金',
        });
        const id = created.body.id as string;
        ids.set(p.key, id);
        const steps: [string, SeedCaller, unknown][] = [
          ['review', lender, undefined],
          [
            'approve',
            lender,
            {
              approvedAmountFen: p.approvedAmountFen,
              annualRateBps: p.annualRateBps,
              repaymentType: 'bullet',
            },
          ],
          ['register', office, { registrationNumber: cnipaRegistrationNumber(p.key) }],
          ['disburse', lender, undefined],
        ];
        for (const [action, as, body] of steps) {
          if (action === 'register') await attachPledgeDocuments(send, p.key, id, me);
          await send(`${p.key}-${action}`, 'POST', `/pledges/${id}/${action}`, as, [200], body);
        }
      });
    }
    options.setToday(`${plan.year - 1}-12-31`);
    await options.atLastYearEnd?.(`${plan.year - 1}-12-31`);
    log(`  ${lastYear.length} pledges of last year registered, repaid and released`);
    options.setToday(start);
  }

  let done = 0;
  const total = plan.enterprises.length;
  const pledgeIds = new Map<string, string>();
  await inPool(plan.enterprises, options.concurrency ?? 12, async (e) => {
    await loadEnterprise(e, send, pledgeIds);
    done++;
    if (done % 50 === 0 || done === total)
      log(`  ${done}/${total} enterprises loaded (${requests} requests)`);
  });

  await inPool(plan.designations, options.concurrency ?? 12, async (d) => {
    // The advantage title first: the promotion supersedes it (the enterprise counts once).
    if (d.promotedFromYear !== undefined)
      await send(`${d.key}-advantage`, 'POST', '/designations', office, [201], {
        uscc: d.uscc,
        level: 'national_advantage',
        year: d.promotedFromYear,
      });
    const created = await send(d.key, 'POST', '/designations', office, [201], {
      uscc: d.uscc,
      level: d.level,
      year: d.year,
    });
    const id = created.body.id as string;
    if (d.review)
      await send(`${d.key}-review`, 'POST', `/designations/${id}/reviews`, office, [201], d.review);
  });
  log(`  ${plan.designations.length} designations recorded`);

  // Registrations (and disbursements) day by day, each on its own business date, oldest first.
  const days = registrationDays(plan, start, today);
  const byDay = new Map<IsoDate, { p: PlannedPledge; uscc: string; id: string }[]>();
  for (const e of plan.enterprises)
    for (const p of e.pledges) {
      const day = days.get(p.key);
      if (day) byDay.set(day, [...(byDay.get(day) ?? []), { p, uscc: e.uscc, id: pledgeIds.get(p.key)! }]);
    }
  for (const day of [...byDay.keys()].sort()) {
    options.setToday?.(day);
    await inPool(byDay.get(day)!, options.concurrency ?? 12, async ({ p, uscc, id }) => {
      await attachPledgeDocuments(send, p.key, id, asEnterprise(uscc));
      for (const action of PLEDGE_PATHS[p.fate].filter((a) => REGISTRATION_ACTIONS.has(a)))
        await send(
          `${p.key}-${action}`,
          'POST',
          `/pledges/${id}/${action}`,
          action === 'register' ? office : asLender(p.lenderId),
          [200],
          action === 'register' ? { registrationNumber: cnipaRegistrationNumber(p.key) } : undefined,
        );
    });
  }
  log(`  ${days.size} pledges registered over ${byDay.size} days from ${start} to ${today}`);

  options.setToday?.(today);
  const loans = plan.enterprises.flatMap((e) =>
    e.pledges.filter((p) => PLEDGE_PATHS[p.fate].includes('disburse')).map((p) => ({ e, p })),
  );
  await inPool(loans, options.concurrency ?? 12, ({ e, p }) =>
    loanSince(plan, e, p, pledgeIds.get(p.key)!, today, send),
  );
  log(`  ${loans.length} loans serviced from ${start} to ${today}`);

  return { plan, requests, retries, durationMs: Date.now() - started };
}

interface ScheduledInstalment {
  dueOn: IsoDate;
  principalFen: number;
  interestFen: number;
  paidPrincipalFen: number;
  paidInterestFen: number;
}

/**
 * A disbursed loan from its first day to `today`: the lender records each instalment paid on its due date as its
 * arrears profile says (all; all but the last one due; none), then what happened after — paid off, defaulted,
 * auctioned, released — happens today. The repayments carry their due dates, so none is late that was paid on time.
 */
async function loanSince(
  plan: CityPlan,
  e: PlannedEnterprise,
  p: PlannedPledge,
  id: string,
  today: IsoDate,
  send: Send,
): Promise<void> {
  const lender = asLender(p.lenderId);
  const { body } = await send(`${p.key}-schedule`, 'GET', `/pledges/${id}/schedule`, lender, [200]);
  const due = (body.instalments as ScheduledInstalment[]).filter((i) => compareDates(i.dueOn, today) <= 0);
  const defaults = PLEDGE_PATHS[p.fate].includes('default');
  const paid =
    defaults || p.arrears === 'non_performing' ? 0 : p.arrears === 'late' ? due.length - 1 : due.length;
  for (const [n, i] of due.slice(0, paid).entries())
    await send(`${p.key}-pay-${n}`, 'POST', `/pledges/${id}/repayments`, lender, [201], {
      amountFen: i.principalFen + i.interestFen - i.paidPrincipalFen - i.paidInterestFen,
      paidOn: i.dueOn,
    });
  for (const action of PLEDGE_PATHS[p.fate].filter((a) => LATER_ACTIONS.has(a))) {
    if (action === 'dispose') {
      // Auctioned for 60 % of the loan to another enterprise of the city.
      const buyer = plan.enterprises.find((other) => other.uscc !== e.uscc)!;
      await send(`${p.key}-dispose`, 'POST', `/pledges/${id}/disposals`, lender, [200, 201], {
        method: 'auction',
        recoveredFen: Math.round(p.approvedAmountFen * 0.6),
        completedOn: today,
        transfereeUscc: buyer.uscc,
      });
      continue;
    }
    const [as, actionBody] =
      action === 'release'
        ? [office, p.fate === 'released_defaulted' ? { waived: true } : undefined]
        : [lender, undefined];
    await send(`${p.key}-${action}`, 'POST', `/pledges/${id}/${action}`, as, [200], actionBody);
  }
}

/**
 * Uploads a subject's documents as a browser does: declare, PUT the bytes to the presigned URL, complete. Each step
 * is repeatable: the declaration carries an Idempotency-Key, and completing again answers the same.
 */
async function attachDocuments(
  send: Send,
  key: string,
  subject: { kind: string; id: string },
  kinds: readonly string[],
  as: SeedCaller,
): Promise<void> {
  for (const kind of kinds) {
    const bytes = samplePdf(`${key} ${kind}`);
    const declared = await send(
      `${key}-doc-${kind}`,
      'POST',
      '/documents',
      as,
      [201],
      pdfDeclaration(kind, subject, bytes),
    );
    const { url, headers } = declared.body.upload as { url: string; headers: Record<string, string> };
    const put = await fetch(url, { method: 'PUT', headers, body: bytes });
    if (!put.ok) throw new Error(`seed step ${key}-doc-${kind}: the upload answered ${put.status}`);
    await send(`${key}-doc-${kind}-complete`, 'POST', `/documents/${declared.body.id}/complete`, as, [200]);
  }
}

/** The four documents the office registers a pledge on, uploaded by the applicant. */
const attachPledgeDocuments = (send: Send, key: string, pledgeId: string, applicant: SeedCaller) =>
  attachDocuments(send, key, { kind: 'pledge', id: pledgeId }, CHECKLISTS['pledge.register'], applicant);

type Send = (
  step: string,
  method: string,
  path: string,
  as: SeedCaller,
  expected: number[],
  body?: unknown,
) => Promise<SeedResponse>;

/**
 * One enterprise, in order: registration, portfolio, pledges up to their disbursement (what comes after is
 * `loanSince`), policies and claims. The ids the portal gives its pledges go into `pledgeIds`.
 */
async function loadEnterprise(
  e: PlannedEnterprise,
  send: Send,
  pledgeIds: Map<string, string>,
): Promise<void> {
  const me = asEnterprise(e.uscc);
  await send(`ent-${e.uscc}`, 'PUT', `/enterprises/${e.uscc}`, office, [200, 201], {
    name: e.name,
    industry: e.industry,
  });
  const assetIds = new Map<string, string>();
  for (const asset of e.assets) {
    const created = await send(asset.key, 'POST', `/enterprises/${e.uscc}/assets`, me, [201], asset.body);
    assetIds.set(asset.key, created.body.id as string);
    if (asset.deleted) await send(`${asset.key}-delete`, 'DELETE', `/assets/${created.body.id}`, me, [204]);
  }

  for (const p of e.pledges) {
    const created = await send(p.key, 'POST', '/pledges', me, [201], {
      lenderId: p.lenderId,
      assetIds: p.assetKeys.map((k) => assetIds.get(k)!),
      appraisedValueFen: p.appraisedValueFen,
      requestedAmountFen: p.requestedAmountFen,
      termMonths: p.termMonths,
      purpose: p.purpose,
    });
    const id = created.body.id as string;
    pledgeIds.set(p.key, id);
    const lender = asLender(p.lenderId);
    // Registration and disbursement come later, on the pledge's registration day.
    const now = PLEDGE_PATHS[p.fate].filter((a) => !LATER_ACTIONS.has(a) && !REGISTRATION_ACTIONS.has(a));
    for (const action of now) {
      const [as, body] =
        action === 'approve'
          ? [
              lender,
              {
                approvedAmountFen: p.approvedAmountFen,
                annualRateBps: p.annualRateBps,
                repaymentType: p.repaymentType,
              },
            ]
          : action === 'reject'
            ? [lender, { reason: '企业经营数据不满足授信条件' }]
            : action === 'refuse'
              ? [office, { reason: '质押合同与登记申请信息不一致' }]
              : action === 'withdraw'
                ? [me, undefined]
                : [lender, undefined];
      await send(`${p.key}-${action}`, 'POST', `/pledges/${id}/${action}`, as, [200], body);
    }
  }

  for (const q of e.policies) {
    const insurer = asInsurer(q.insurerId);
    const created = await send(q.key, 'POST', '/policies', me, [201], {
      insurerId: q.insurerId,
      assetIds: q.assetKeys.map((k) => assetIds.get(k)!),
      coverages: q.coverages.map((c) => ({
        line: c.line,
        sumInsuredFen: c.sumInsuredFen,
        ...(c.deductibleFen > 0 ? { deductibleFen: c.deductibleFen } : {}),
      })),
      periodStart: q.periodStart,
      periodEnd: q.periodEnd,
      ...(q.guaranteedPledgeKey ? { pledgeId: pledgeIds.get(q.guaranteedPledgeKey)! } : {}),
    });
    const id = created.body.id as string;
    if (q.fate === 'declined') {
      await send(`${q.key}-decline`, 'POST', `/policies/${id}/decline`, insurer, [200], {
        reason: '标的权利稳定性不足',
      });
      continue;
    }
    if (q.fate === 'cancelled') {
      await send(`${q.key}-cancel`, 'POST', `/policies/${id}/cancel`, me, [200]);
      continue;
    }
    if (q.fate === 'applied') continue;
    await send(`${q.key}-issue`, 'POST', `/policies/${id}/issue`, insurer, [200], {
      premiumFen: q.premiumFen,
    });
    for (const claim of q.claims) {
      const filed = await send(claim.key, 'POST', `/policies/${id}/claims`, me, [201], {
        line: claim.line,
        claimedFen: claim.claimedFen,
        incidentDate: claim.incidentDate,
        description: claim.description,
      });
      if (claim.outcome === 'paid') {
        await attachDocuments(
          send,
          claim.key,
          { kind: 'claim', id: filed.body.id },
          CHECKLISTS['claim.settle'],
          me,
        );
        await send(`${claim.key}-settle`, 'POST', `/claims/${filed.body.id}/settle`, insurer, [200], {
          paidFen: claim.paidFen,
        });
      } else if (claim.outcome === 'denied')
        await send(`${claim.key}-deny`, 'POST', `/claims/${filed.body.id}/deny`, insurer, [200], {
          reason: '不属于保险责任范围',
        });
    }
    if (q.fate === 'issued_then_cancelled')
      await send(`${q.key}-cancel`, 'POST', `/policies/${id}/cancel`, me, [200], {
        reason: '企业转投其他保险方案',
      });
  }
}
