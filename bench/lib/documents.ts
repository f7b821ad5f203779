import { pdfDeclaration, samplePdf } from '../../scripts/sample-pdf.js';
import type { Caller } from './portal.js';

/** The browser's part: the PUT of the bytes to the presigned URL. */
export async function putFile(upload: { url: string; headers: Record<string, string> }, bytes: Uint8Array) {
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
  if (!put.ok) throw new Error(`the upload answered ${put.status}`);
}

// biome-ignore lint/suspicious/noExplicitAny: benchmark scenarios read responses freely
type Send = (method: string, path: string, as: Caller, body?: unknown) => Promise<any>;

/** Uploads a subject's documents as a browser does (declare, PUT to the presigned URL, complete). */
export async function attachDocuments(
  send: Send,
  subject: { kind: string; id: string },
  kinds: readonly string[],
  as: Caller,
): Promise<void> {
  for (const kind of kinds) {
    const bytes = samplePdf(`${subject.id} ${kind}`);
    const declared = await send('POST', '/documents', as, pdfDeclaration(kind, subject, bytes));
    await putFile(declared.upload, bytes);
    await send('POST', `/documents/${declared.id}/complete`, as);
  }
}
