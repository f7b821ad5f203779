/**
 * A subject's documents: the list with downloads, the checklist of each step that needs documents (what is still
 * missing, before anyone clicks), and the upload — SHA-256 in the browser, the PUT straight to the files bucket
 * with its progress, then `complete`, which verifies the file.
 */
import { useContext, useState } from 'preact/hooks';
import type { ApiClient, Problem, Schemas, Session } from './api';
import { asProblem } from './api';
import { type TextKey, useI18n } from './i18n';
import {
  DateTimeText,
  localized,
  localProblem,
  PortalContext,
  ProblemBox,
  SelectField,
  Status,
  useLoad,
} from './ui';

type SubjectKind = Schemas['Document']['subject']['kind'];
type DocumentKind = Schemas['Document']['kind'];
type Listed = Schemas['DocumentList']['items'][number];

const KINDS: Record<SubjectKind, DocumentKind[]> = {
  pledge: [
    'pledge_contract',
    'registration_form',
    'identity_proof',
    'power_of_attorney',
    'appraisal_report',
    'other',
  ],
  policy: ['identity_proof', 'appraisal_report', 'other'],
  claim: ['claim_evidence', 'invoice', 'other'],
  designation: ['designation_material', 'other'],
  enterprise: ['business_licence', 'identity_proof', 'other'],
  org_claim: ['business_licence', 'identity_proof'],
};

function listOf(api: ApiClient, kind: SubjectKind, id: string) {
  switch (kind) {
    case 'pledge':
      return api.GET('/pledges/{id}/documents', { params: { path: { id } } });
    case 'policy':
      return api.GET('/policies/{id}/documents', { params: { path: { id } } });
    case 'claim':
      return api.GET('/claims/{id}/documents', { params: { path: { id } } });
    case 'designation':
      return api.GET('/designations/{id}/documents', { params: { path: { id } } });
    case 'enterprise':
      return api.GET('/enterprises/{uscc}/documents', { params: { path: { uscc: id } } });
    case 'org_claim':
      return api.GET('/org-claims/{id}/documents', { params: { path: { id } } });
  }
}

const hex = (digest: ArrayBuffer) =>
  [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Starts the download of a document through its short-lived link; answers why not when there is none. */
async function downloadDocument(api: ApiClient, id: string): Promise<{ error: Problem | null } | null> {
  const res = await api.GET('/documents/{id}', { params: { path: { id } } });
  if (res.data?.download) {
    location.assign(res.data.download.url);
    return null;
  }
  return { error: res.error ? asProblem(res.error, res.response.status) : null };
}

/** The PUT to the presigned URL, with its progress (fetch reports none for uploads). */
function put(
  upload: Schemas['PresignedUpload'],
  file: File,
  onProgress: (share: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', upload.url);
    for (const [name, value] of Object.entries(upload.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => reject(new Error('upload failed'));
    xhr.send(file);
  });
}

/** Whether the viewer uploaded it (its organisation; a newcomer, who has none, sees only its own claim's). */
const isMine = (session: Session | undefined, d: Listed) =>
  session
    ? d.uploadedBy.role === session.role && (session.role === 'ipoffice' || d.uploadedBy.org === session.org)
    : d.uploadedBy.org === null && d.uploadedBy.role === 'enterprise';

export function DocumentsSection({
  subject,
  mayUpload,
  onChange,
  api: given,
}: {
  subject: { kind: SubjectKind; id: string };
  mayUpload: boolean;
  /** After an upload or a deletion (the page may show what its steps need). */
  onChange?: () => void;
  /** Onboarding's client: a newcomer has no portal session yet. */
  api?: ApiClient;
}) {
  const { t, tx } = useI18n();
  const portal = useContext(PortalContext);
  const api = given ?? portal!.api;
  const session = portal?.session;
  const list = useLoad(() => listOf(api, subject.kind, subject.id), [subject.kind, subject.id]);
  const [kind, setKind] = useState<DocumentKind>(KINDS[subject.kind][0]!);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const changed = () => {
    list.reload();
    onChange?.();
  };

  const upload = async (form: HTMLFormElement) => {
    if (!file) return setProblem(localProblem([{ path: 'file', message: t('doc.chooseFile') }]));
    setProblem(null);
    setProgress(0);
    try {
      const sha256 = hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
      const declared = await api.POST('/documents', {
        body: {
          kind,
          subject,
          fileName: file.name,
          contentType: file.type || 'application/octet-stream',
          sizeBytes: file.size,
          sha256,
        },
      });
      if (!declared.data)
        return setProblem(localized(asProblem(declared.error, declared.response.status), tx));
      const status = await put(declared.data.upload, file, setProgress);
      if (status >= 300) return setProblem({ ...localProblem([]), status, detail: t('doc.uploadFailed') });
      const done = await api.POST('/documents/{id}/complete', { params: { path: { id: declared.data.id } } });
      if (!done.data) setProblem(localized(asProblem(done.error, done.response.status), tx));
      setFile(null);
      setKind(KINDS[subject.kind][0]!);
      form.reset();
      changed();
    } catch (e) {
      setProblem(localized(asProblem(e), tx));
    } finally {
      setProgress(null);
    }
  };

  const download = async (id: string) => {
    const refused = await downloadDocument(api, id);
    if (refused) setProblem(refused.error ? localized(refused.error, tx) : notDownloadable());
  };
  const notDownloadable = () => ({ ...localProblem([]), status: 409, detail: t('doc.notDownloadable') });
  const remove = async (id: string) => {
    const res = await api.DELETE('/documents/{id}', { params: { path: { id } } });
    if (!res.response.ok) setProblem(localized(asProblem(res.error, res.response.status), tx));
    changed();
  };

  const data = list.data;
  return (
    <section class="card" aria-labelledby={`docs-${subject.id}`}>
      <h2 id={`docs-${subject.id}`}>{t('doc.title')}</h2>
      {data?.checklists.map((c) => (
        <div
          key={c.action}
          class={c.missing.length ? 'problem' : 'notice'}
          data-testid={`checklist-${c.action}`}
        >
          <strong>{t(`doc.checklist.${c.action}` as TextKey)}</strong>{' '}
          {c.missing.length
            ? `${t('doc.missing')}: ${c.missing.map((k) => tx('docKind', k)).join('、')}`
            : t('doc.complete')}
        </div>
      ))}
      <ProblemBox problem={problem ?? list.problem} labels={{ file: t('doc.file') }} />
      {data && data.items.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {data && data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('doc.kind')}</th>
              <th>{t('doc.fileName')}</th>
              <th>{t('app.status')}</th>
              <th>{t('doc.scan')}</th>
              <th>{t('app.createdAt')}</th>
              <th>{t('app.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.id} data-testid="document">
                <td>{tx('docKind', d.kind)}</td>
                <td>
                  {d.fileName} <span class="muted">({Math.ceil(d.sizeBytes / 1024)} KB)</span>
                </td>
                <td>
                  <Status kind="docStatus" value={d.status} />
                </td>
                <td>{tx('docScan', d.scanStatus)}</td>
                <td>
                  <DateTimeText value={d.createdAt} />
                </td>
                <td class="buttons">
                  {d.status === 'available' && (
                    <button type="button" class="secondary" onClick={() => void download(d.id)}>
                      {t('doc.download')}
                    </button>
                  )}
                  {isMine(session, d) && (
                    <button type="button" class="danger" onClick={() => void remove(d.id)}>
                      {t('doc.delete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayUpload && (
        <form
          class="grid"
          noValidate
          aria-label={t('doc.upload')}
          onSubmit={(e) => {
            e.preventDefault();
            void upload(e.currentTarget as HTMLFormElement);
          }}
        >
          <SelectField
            name="kind"
            label={t('doc.kind')}
            required
            value={kind}
            onChange={(v) => setKind(v as DocumentKind)}
            options={KINDS[subject.kind].map((k) => ({ value: k, label: tx('docKind', k) }))}
          />
          <label>
            {t('doc.file')}
            <input
              type="file"
              name="file"
              accept=".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png"
              onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
            />
            <small class="muted">{t('doc.hint')}</small>
          </label>
          {progress !== null && (
            <progress max={1} value={progress} aria-label={t('doc.progress')}>
              {Math.round(progress * 100)}%
            </progress>
          )}
          <div class="buttons">
            <button type="submit" disabled={progress !== null}>
              {t('doc.upload')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** A subject's available documents as download buttons (the office's queue of organisation claims). */
export function DocumentLinks({ subject }: { subject: { kind: SubjectKind; id: string } }) {
  const { tx } = useI18n();
  const api = useContext(PortalContext)!.api;
  const list = useLoad(() => listOf(api, subject.kind, subject.id), [subject.kind, subject.id]);
  return (
    <span class="inline-actions">
      {list.data?.items
        .filter((d) => d.status === 'available')
        .map((d) => (
          <button type="button" class="secondary" key={d.id} onClick={() => void downloadDocument(api, d.id)}>
            {tx('docKind', d.kind)}: {d.fileName}
          </button>
        ))}
    </span>
  );
}
