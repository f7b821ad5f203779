/** IP office: the banks and insurers that users sign in for (and each bank's loan-to-value caps). */
import { useState } from 'preact/hooks';
import { columns, DataTable, SubmitButtons } from '../components';
import { useI18n } from '../i18n';
import { formatBps } from '../money';
import {
  fieldError,
  ListState,
  ProblemBox,
  SelectField,
  TextField,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';

export function InstitutionsPage() {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const list = usePaged(
    (cursor) =>
      api.GET('/institutions', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }),
    [],
  );
  const submit = useSubmit();
  const [f, setF] = useState({ id: '', kind: 'lender', name: '' });
  const set = (name: keyof typeof f) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const labels = { id: t('institution.id'), kind: t('institution.kind'), name: t('institution.name') };
  const save = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () =>
        api.PUT('/institutions/{id}', {
          params: { path: { id: f.id.trim() } },
          body: { kind: f.kind as 'lender' | 'insurer', name: f.name.trim() },
        }),
      () => {
        setF({ id: '', kind: f.kind, name: '' });
        list.reload();
      },
      t('app.saved'),
    );
  };
  return (
    <>
      <h1>{t('institution.title')}</h1>
      <section class="card">
        <form class="grid" noValidate onSubmit={save} aria-label={t('institution.title')}>
          <ProblemBox problem={submit.problem} labels={labels} />
          <TextField
            name="id"
            label={labels.id}
            required
            value={f.id}
            onInput={set('id')}
            error={fieldError(submit.problem, 'param.id') ?? fieldError(submit.problem, 'id')}
            hint="[a-z0-9-]{2,40}"
          />
          <SelectField
            name="kind"
            label={labels.kind}
            required
            value={f.kind}
            onChange={set('kind')}
            options={[
              { value: 'lender', label: t('institution.lender') },
              { value: 'insurer', label: t('institution.insurer') },
            ]}
          />
          <TextField
            name="name"
            label={labels.name}
            required
            value={f.name}
            onInput={set('name')}
            error={fieldError(submit.problem, 'name')}
          />
          <SubmitButtons busy={submit.busy} label={t('app.save')} done={submit.done} />
        </form>
        <ListState loading={list.loading} problem={list.problem} empty={list.items.length === 0} />
        {list.items.length > 0 && (
          <DataTable
            items={list.items}
            rowKey={(i) => i.id}
            cols={columns<(typeof list.items)[number]>(
              { head: labels.id, cell: (i) => i.id },
              {
                head: labels.kind,
                cell: (i) => t(i.kind === 'lender' ? 'institution.lender' : 'institution.insurer'),
              },
              { head: labels.name, cell: (i) => i.name },
              {
                head: t('institution.ltv'),
                cell: (i) =>
                  i.lendingPolicy
                    ? Object.entries(i.lendingPolicy.maxLtvBps)
                        .map(
                          ([k, bps]) =>
                            `${k === 'trademark' ? t('ltvKind.trademark') : tx('patentType', k)} ${formatBps(bps)}`,
                        )
                        .join(' · ')
                    : '—',
              },
            )}
          />
        )}
      </section>
    </>
  );
}
