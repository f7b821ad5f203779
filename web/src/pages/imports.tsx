/**
 * Bulk import (IP office and companies): choose a CSV or XLSX file, upload it straight to the files bucket through the
 * presigned PUT (its SHA-256 computed here first), start it, and follow its progress until the counts and the error
 * report are there.
 */
import { useEffect, useState } from 'preact/hooks';
import { asProblem, type Problem, type Schemas } from '../api';
import { Fact } from '../components';
import { useI18n } from '../i18n';
import { localized, localProblem, ProblemBox, SelectField, TextField, usePortal } from '../ui';

type ImportView = Schemas['Import'];
type Phase = 'idle' | 'hashing' | 'uploading' | 'running' | 'done';

const hex = (buffer: ArrayBuffer) =>
  [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** PUT with upload progress (fetch reports none): resolves with the HTTP status. */
function put(
  url: string,
  headers: Record<string, string>,
  body: ArrayBuffer,
  onProgress: (fraction: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(body);
  });
}

export function ImportPage() {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const office = session.role === 'ipoffice';
  const [kind, setKind] = useState<'assets' | 'legal_events'>('assets');
  const [owner, setOwner] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [uploaded, setUploaded] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [imp, setImp] = useState<ImportView | null>(null);

  // While running: the import's progress, once a second.
  useEffect(() => {
    if (phase !== 'running' || !imp) return;
    const timer = setInterval(async () => {
      const r = await api.GET('/imports/{id}', { params: { path: { id: imp.id } } });
      if (!r.response.ok || !r.data) return;
      setImp(r.data);
      if (r.data.status === 'completed' || r.data.status === 'failed') setPhase('done');
    }, 1000);
    return () => clearInterval(timer);
  }, [phase, imp?.id]);

  const fail = (p: Problem) => {
    setProblem(localized(p, tx));
    setPhase('idle');
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setImp(null);
    if (!file) return fail(localProblem([{ path: 'file', message: t('import.chooseFile') }]));
    try {
      setPhase('hashing');
      const bytes = await file.arrayBuffer();
      const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
      const format = /\.xlsx$/i.test(file.name) ? 'xlsx' : 'csv';
      const declared = await api.POST('/imports', {
        body: {
          kind,
          format,
          fileName: file.name,
          sizeBytes: file.size,
          sha256,
          ...(office && owner.trim() ? { owner: owner.trim() } : {}),
        },
      });
      if (!declared.response.ok || !declared.data)
        return fail(asProblem(declared.error, declared.response.status));
      setPhase('uploading');
      const status = await put(declared.data.upload.url, declared.data.upload.headers, bytes, setUploaded);
      if (status < 200 || status >= 300)
        return fail(localProblem([{ path: 'file', message: t('import.uploadFailed') }]));
      const started = await api.POST('/imports/{id}/start', { params: { path: { id: declared.data.id } } });
      if (!started.response.ok || !started.data)
        return fail(asProblem(started.error, started.response.status));
      setImp(started.data);
      setPhase('running');
    } catch (error) {
      fail(asProblem(error));
    }
  };

  const busy = phase === 'hashing' || phase === 'uploading' || phase === 'running';
  const progress =
    phase === 'uploading'
      ? { value: uploaded, label: t('import.uploading') }
      : imp && (phase === 'running' || phase === 'done')
        ? {
            value: imp.rows > 0 ? imp.processed / imp.rows : phase === 'done' ? 1 : 0,
            label: `${t('import.applying')} ${imp.processed} / ${imp.rows || '…'}`,
          }
        : null;

  return (
    <>
      <h1>{t('import.title')}</h1>
      <section class="card">
        <p class="muted">{t(kind === 'assets' ? 'import.columnsAssets' : 'import.columnsEvents')}</p>
        <p class="muted">{t(office ? 'import.limitsOffice' : 'import.limitsCompany')}</p>
        <form class="grid" noValidate onSubmit={submit} aria-label={t('import.title')}>
          <ProblemBox problem={problem} labels={{ file: t('import.file'), owner: t('import.owner') }} />
          <SelectField
            name="kind"
            label={t('import.kind')}
            required
            value={kind}
            onChange={(v) => setKind(v as typeof kind)}
            options={[
              { value: 'assets', label: t('import.kindAssets') },
              { value: 'legal_events', label: t('import.kindEvents') },
            ]}
          />
          {office && (
            <TextField
              name="owner"
              label={t('import.owner')}
              value={owner}
              onInput={setOwner}
              hint={t('import.ownerHint')}
            />
          )}
          <label>
            {t('import.file')}
            <input
              type="file"
              name="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
            />
          </label>
          <div>
            <button type="submit" disabled={busy}>
              {busy ? t('import.busy') : t('import.start')}
            </button>
          </div>
        </form>
      </section>
      {progress && (
        <section class="card" aria-live="polite">
          <label>
            {progress.label}
            <progress max={1} value={progress.value} aria-label={progress.label} />
          </label>
        </section>
      )}
      {imp && phase === 'done' && (
        <section class="card" aria-label={t('import.result')}>
          <h2>{t(imp.status === 'completed' ? 'import.completed' : 'import.failed')}</h2>
          {imp.failure && (
            <div class="problem" role="alert">
              <p>
                {tx('problem', imp.failure.code) === imp.failure.code
                  ? imp.failure.message
                  : tx('problem', imp.failure.code)}
              </p>
              <p class="muted">{imp.failure.message}</p>
            </div>
          )}
          <dl class="facts">
            <Fact label={t('import.rows')}>{imp.rows}</Fact>
            <Fact label={t('import.created')}>{imp.created}</Fact>
            <Fact label={t('import.updated')}>{imp.updated}</Fact>
            <Fact label={t('import.unchanged')}>{imp.unchanged}</Fact>
            <Fact label={t('import.rejected')}>{imp.rejected}</Fact>
          </dl>
          {imp.errorReport && (
            <p>
              <a href={imp.errorReport.url} download>
                {t('import.errorReport')}
              </a>
            </p>
          )}
        </section>
      )}
    </>
  );
}
