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
  policies: readonly { insurerId?: unknown; premiumFen: number; premiumSubsidyFen?: unknown }[],
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
    premiumByInsurer,
    claimsPaidByInsurer,
    lossRatioBpsByInsurer: Object.fromEntries(
      insurers.map((id) => [id, ratio(claimsPaidByInsurer[id] ?? 0, premiumByInsurer[id] ?? 0)]),
    ),
  };
}
