import { createHash } from 'node:crypto';

/**
 * A small, well-formed PDF whose text is `label`: the demo seed's and the tests' documents (each with its own bytes
 * and so its own SHA-256).
 */
export const samplePdf = (label: string): Uint8Array =>
  new TextEncoder().encode(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
      `% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );

/** The body of `POST /documents` declaring `bytes` as a PDF of `kind` on `subject`. */
export const pdfDeclaration = (
  kind: string,
  subject: { kind: string; id: string },
  bytes: Uint8Array,
  fileName = `${kind}.pdf`,
) => ({
  kind,
  subject,
  fileName,
  contentType: 'application/pdf',
  sizeBytes: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex'),
});
