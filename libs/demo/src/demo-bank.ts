import type { OrgLevel, Product, Role } from '@app/domain';

/**
 * The demo bank: 1 head office, 3 branches, 12 sub-branches, 40 outlets and 150 staff, with
 * one user per role at each level of the tree (listed in the README for `campaignctl token`).
 */
export interface DemoUnit {
  readonly unitId: string;
  readonly name: string;
  readonly level: OrgLevel;
  readonly parentId: string | null;
}
export interface DemoStaff {
  readonly staffId: string;
  readonly displayName: string;
  readonly role: Role;
  readonly unitId: string;
}
/** A product as the catalogue defines it, with how the demo sells it. */
export interface DemoProduct extends Product {
  /** Typical amount of one sale (CNY) and the bank's revenue on it (share of the amount). */
  readonly typicalAmount: number;
  readonly margin: number;
}

const BRANCHES = [
  { id: 'SH', name: '上海分行 Shanghai', subs: ['浦东 Pudong', '徐汇 Xuhui', '静安 Jing’an', '黄浦 Huangpu'] },
  { id: 'BJ', name: '北京分行 Beijing', subs: ['朝阳 Chaoyang', '海淀 Haidian', '西城 Xicheng', '东城 Dongcheng'] },
  { id: 'GZ', name: '广州分行 Guangzhou', subs: ['天河 Tianhe', '越秀 Yuexiu', '海珠 Haizhu', '番禺 Panyu'] },
];

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { productCode: 'DEP-3M', name: '三个月定期 3-month deposit', category: 'deposit', riskLevel: 'R1', riskBearing: false, weight: '0.30', typicalAmount: 50_000, margin: 0.004 },
  { productCode: 'DEP-1Y', name: '一年定期 1-year deposit', category: 'deposit', riskLevel: 'R1', riskBearing: false, weight: '0.50', typicalAmount: 100_000, margin: 0.008 },
  { productCode: 'WM-R2', name: '稳健理财 Balanced wealth product', category: 'wealth', riskLevel: 'R2', riskBearing: true, weight: '1.00', typicalAmount: 200_000, margin: 0.006 },
  { productCode: 'FUND-BOND', name: '债券基金 Bond fund', category: 'fund', riskLevel: 'R2', riskBearing: true, weight: '1.50', typicalAmount: 80_000, margin: 0.012 },
  { productCode: 'GOLD', name: '积存金 Gold savings', category: 'gold', riskLevel: 'R3', riskBearing: true, weight: '1.00', typicalAmount: 30_000, margin: 0.01 },
  { productCode: 'FUND-EQ', name: '股票基金 Equity fund', category: 'fund', riskLevel: 'R4', riskBearing: true, weight: '2.00', typicalAmount: 60_000, margin: 0.015 },
  { productCode: 'INS-LIFE', name: '健康保险 Health insurance', category: 'insurance', riskLevel: 'R1', riskBearing: false, weight: '1.20', typicalAmount: 12_000, margin: 0.2 },
  { productCode: 'EBANK', name: '网上银行 E-banking', category: 'service', riskLevel: 'R1', riskBearing: false, weight: '0.20', typicalAmount: 0, margin: 0 },
];

const ROLE_NAMES = { marketer: 'Marketing', approver: 'Approver', branch_head: 'Head', analyst: 'Analyst' } as const;

export interface DemoBank {
  readonly units: readonly DemoUnit[];
  readonly staff: readonly DemoStaff[];
  /** Sub-branches (where customers are held), with the relationship managers working in or under each. */
  readonly subBranches: readonly { unitId: string; branchId: string; managers: readonly string[] }[];
}

export function demoBank(): DemoBank {
  const units: DemoUnit[] = [{ unitId: 'HO', name: '总行 Head office', level: 'head_office', parentId: null }];
  const staff: DemoStaff[] = [
    { staffId: 'admin', displayName: 'Admin', role: 'admin', unitId: 'HO' },
    { staffId: 'analyst-ho', displayName: 'Analyst (head office)', role: 'analyst', unitId: 'HO' },
    { staffId: 'mkt-ho', displayName: 'Marketing (head office)', role: 'marketer', unitId: 'HO' },
    { staffId: 'appr-ho', displayName: 'Approver (head office)', role: 'approver', unitId: 'HO' },
    { staffId: 'head-ho', displayName: 'Supervisor (head office)', role: 'branch_head', unitId: 'HO' },
  ];
  const subBranches: { unitId: string; branchId: string; managers: string[] }[] = [];
  let outlets = 0;
  let subIndex = 0;
  for (const b of BRANCHES) {
    const branchId = `BR-${b.id}`;
    units.push({ unitId: branchId, name: b.name, level: 'branch', parentId: 'HO' });
    for (const [role, prefix] of [['marketer', 'mkt'], ['approver', 'appr'], ['branch_head', 'head'], ['analyst', 'analyst']] as const) {
      staff.push({ staffId: `${prefix}-${b.id.toLowerCase()}`, displayName: `${ROLE_NAMES[role]}, ${b.name}`, role, unitId: branchId });
    }
    b.subs.forEach((name, i) => {
      const sbId = `SB-${b.id}-${i + 1}`;
      const key = `${b.id.toLowerCase()}${i + 1}`;
      units.push({ unitId: sbId, name: `${name}支行`, level: 'sub_branch_1', parentId: branchId });
      staff.push({ staffId: `mkt-${key}`, displayName: `marketer ${sbId}`, role: 'marketer', unitId: sbId });
      staff.push({ staffId: `appr-${key}`, displayName: `approver ${sbId}`, role: 'approver', unitId: sbId });
      staff.push({ staffId: `head-${key}`, displayName: `head ${sbId}`, role: 'branch_head', unitId: sbId });
      const managers: string[] = [];
      for (let r = 1; r <= 3; r++) {
        const id = `rm-${key}-${r}`;
        staff.push({ staffId: id, displayName: `RM ${sbId}/${r}`, role: 'relationship_manager', unitId: sbId });
        managers.push(id);
      }
      // 40 outlets: the first four sub-branches have four, the others three.
      const count = subIndex < 4 ? 4 : 3;
      for (let o = 1; o <= count; o++) {
        const outId = `OUT-${b.id}-${i + 1}-${o}`;
        units.push({ unitId: outId, name: `${name}网点 ${o}`, level: 'outlet', parentId: sbId });
        staff.push({ staffId: `head-${key}-${o}`, displayName: `outlet head ${outId}`, role: 'branch_head', unitId: outId });
        // 21 outlets have a relationship manager of their own (150 staff in all).
        if (outlets % 2 === 0 || outlets < 2) {
          const id = `rm-${key}-o${o}`;
          staff.push({ staffId: id, displayName: `RM ${outId}`, role: 'relationship_manager', unitId: outId });
          managers.push(id);
        }
        outlets++;
      }
      subBranches.push({ unitId: sbId, branchId, managers });
      subIndex++;
    });
  }
  return { units, staff, subBranches };
}
