/** Banks (lenders, 质权人) and insurers the portal addresses applications to. */
export const INSTITUTION_KINDS = ['lender', 'insurer'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

export const INSTITUTION_ID_PATTERN = /^[a-z0-9-]{2,40}$/;

export interface Institution {
  id: string;
  kind: InstitutionKind;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}
