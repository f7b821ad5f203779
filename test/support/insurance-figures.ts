/**
 * The insurance figures the snapshot adds beside its totals, recomputed here from the policies and payments a test
 * knows of (BigInt ratios, no code under test): claims paid per line, premium and claims per insurer, loss ratios.
 */
const LINES = [
  'application_cost',
  'enforcement_cost',
  'infringement_loss',
  'infringement_liability',
  'overseas_enforcement',
  'pledge_guarantee',
];

const ratio = (paid: number, premium: number) =>
  premium > 0 ? Number((BigInt(paid) * 10_000n) / BigInt(premium)) : 0;

export function insuranceBreakdown(
  policies: readonly {
    insurerId?: unknown;
    premiumFen: number;
    premiumSubsidyFen?: unknown;
    coverages?: unknown;
  }[],
  payments: readonly { insurerId?: unknown; line: string; paidFen: number }[],
) {
  const claimsPaidByLine = Object.fromEntries(LINES.map((l) => [l, 0]));
  const premiumByInsurer: Record<string, number> = {};
  const claimsPaidByInsurer: Record<string, number> = {};
  for (const p of policies) {
    const id = typeof p.insurerId === 'string' ? p.insurerId : '-';
    premiumByInsurer[id] = (premiumByInsurer[id] ?? 0) + p.premiumFen;
  }
  for (const c of payments) {
    const id = typeof c.insurerId === 'string' ? c.insurerId : '-';
    claimsPaidByInsurer[id] = (claimsPaidByInsurer[id] ?? 0) + c.paidFen;
    claimsPaidByLine[c.line] = (claimsPaidByLine[c.line] ?? 0) + c.paidFen;
  }
  // A premium spread over the policy's lines by sum insured; the fen the floors leave go to its first line.
  const premiumByLine = Object.fromEntries(LINES.map((l) => [l, 0]));
  for (const p of policies) {
    const lines = (p.coverages ?? []) as { line: string; sumInsuredFen: number }[];
    const total = lines.reduce((s, c) => s + BigInt(c.sumInsuredFen), 0n);
    if (lines.length === 0 || total === 0n) continue;
    let spread = 0;
    for (const c of lines) {
      const part = Number((BigInt(p.premiumFen) * BigInt(c.sumInsuredFen)) / total);
      premiumByLine[c.line] = (premiumByLine[c.line] ?? 0) + part;
      spread += part;
    }
    const first = lines[0]!.line;
    premiumByLine[first] = (premiumByLine[first] ?? 0) + p.premiumFen - spread;
  }
  const premium = policies.reduce((s, p) => s + p.premiumFen, 0);
  const paid = payments.reduce((s, c) => s + c.paidFen, 0);
  const insurers = [...new Set([...Object.keys(premiumByInsurer), ...Object.keys(claimsPaidByInsurer)])];
  return {
    lossRatioBps: ratio(paid, premium),
    premiumSubsidyFen: policies.reduce(
      (s, p) => s + (typeof p.premiumSubsidyFen === 'number' ? p.premiumSubsidyFen : 0),
      0,
    ),
    claimsPaidByLine,
    premiumByLine,
    lossRatioBpsByLine: Object.fromEntries(
      LINES.map((l) => [l, ratio(claimsPaidByLine[l]!, premiumByLine[l]!)]),
    ),
    premiumByInsurer,
    claimsPaidByInsurer,
    lossRatioBpsByInsurer: Object.fromEntries(
      insurers.map((id) => [id, ratio(claimsPaidByInsurer[id] ?? 0, premiumByInsurer[id] ?? 0)]),
    ),
  };
}
