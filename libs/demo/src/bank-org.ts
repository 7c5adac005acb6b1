/**
 * A bank-shaped organisation for benchmarks: head office HO over branches BR1, BR2, … of ten
 * sub-branches (`BR1-SB1`, sub_branch_1) of three sub-branches each (`BR1-SB1-1`, sub_branch_2),
 * cut off at `unitCount` units (41 per branch: 600 gives 15 branches, the last cut short). `staff`
 * people rm0, rm1, …: every 20th heads a branch or a first-level sub-branch, the others are dealt
 * round the lowest units in turn. Deterministic, no randomness.
 */
export function bankOrg(staff: number, unitCount: number): { units: { unitId: string; level: 'head_office' | 'branch' | 'sub_branch_1' | 'sub_branch_2'; parentId: string | null }[]; staff: { staffId: string; unitId: string }[] } {
  const units: ReturnType<typeof bankOrg>['units'] = [{ unitId: 'HO', level: 'head_office', parentId: null }];
  const heads: string[] = [];
  const leaves: string[] = [];
  const branches = Math.max(1, Math.round((unitCount - 1) / 41));
  for (let b = 1; b <= branches && units.length < unitCount; b++) {
    units.push({ unitId: `BR${b}`, level: 'branch', parentId: 'HO' });
    heads.push(`BR${b}`);
    for (let k = 1; k <= 10 && units.length < unitCount; k++) {
      const sb = `BR${b}-SB${k}`;
      units.push({ unitId: sb, level: 'sub_branch_1', parentId: `BR${b}` });
      heads.push(sb);
      for (let d = 1; d <= 3 && units.length < unitCount; d++) {
        units.push({ unitId: `${sb}-${d}`, level: 'sub_branch_2', parentId: sb });
        leaves.push(`${sb}-${d}`);
      }
    }
  }
  const places = leaves.length ? leaves : heads.length ? heads : ['HO'];
  return {
    units,
    staff: Array.from({ length: staff }, (_, i) => ({ staffId: `rm${i}`, unitId: i % 20 === 0 && heads.length ? heads[(i / 20) % heads.length]! : places[i % places.length]! })),
  };
}
