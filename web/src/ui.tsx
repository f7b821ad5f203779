/** Small building blocks shared by every page: data loading, accessible fields, errors, money, status. */
import { type ComponentChildren, createContext, type JSX } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiClient, asProblem, type PortalConfig, type Problem, type Session } from './api';
import { formatDate, formatDateTime, type TextKey, useI18n } from './i18n';
import { exactYuan, fenToYuanText, formatFen, parseYuan } from './money';

export interface Portal {
  api: ApiClient;
  session: Session;
  config: PortalConfig;
}
export const PortalContext = createContext<Portal | null>(null);
export const usePortal = (): Portal => useContext(PortalContext)!;

// ---------------------------------------------------------------- routing (hash: never collides with API paths)

export const useRoute = (): string[] => {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    onChange(); // a change between the first render and this subscription would otherwise be missed
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
};
export const navigate = (path: string): void => {
  location.hash = `#${path}`;
};
export const Link = ({
  to,
  children,
  ...rest
}: { to: string; children: ComponentChildren } & JSX.HTMLAttributes<HTMLAnchorElement>) => (
  <a href={`#${to}`} {...rest}>
    {children}
  </a>
);

// ---------------------------------------------------------------- data loading

type Result<T> = { data?: T; error?: unknown; response: Response };

export interface Loaded<T> {
  data: T | undefined;
  problem: Problem | null;
  loading: boolean;
  reload: () => void;
}

/** Runs an API read on mount and whenever `deps` change. */
export function useLoad<T>(read: () => Promise<Result<T>>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; problem: Problem | null; loading: boolean }>({
    data: undefined,
    problem: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    read().then(
      (r) =>
        live &&
        setState({
          data: r.data,
          problem: r.data === undefined ? asProblem(r.error, r.response.status) : null,
          loading: false,
        }),
      (e) => live && setState({ data: undefined, problem: asProblem(e), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: useCallback(() => setTick((n) => n + 1), []) };
}

/** A list with "load more" over the API's cursor pages. */
export function usePaged<T>(
  read: (cursor: string | undefined) => Promise<Result<{ items: T[]; nextCursor: string | null }>>,
  deps: unknown[],
) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useLoad(() => read(undefined), deps);
  useEffect(() => {
    setItems(first.data?.items ?? []);
    setCursor(first.data?.nextCursor ?? null);
  }, [first.data]);
  const more = async () => {
    if (!cursor) return;
    const r = await read(cursor);
    if (r.data) {
      setItems((prev) => [...prev, ...r.data!.items]);
      setCursor(r.data.nextCursor);
    }
  };
  return {
    items,
    loading: first.loading,
    problem: first.problem,
    reload: first.reload,
    more: cursor ? more : null,
  };
}

/**
 * The problem in the reader's language: each item whose stable `code` has a sentence here (`problem.<code>`) is
 * told with it, its `params` filled in; any other keeps the API's English message.
 */
export function localized(problem: Problem, tx: (prefix: string, value: string) => string): Problem {
  if (!problem.errors) return problem;
  return {
    ...problem,
    errors: problem.errors.map((e) => {
      const sentence = e.code ? tx('problem', e.code) : undefined;
      if (!sentence || sentence === e.code) return e;
      return {
        ...e,
        message: sentence.replace(/\{(\w+)\}/g, (_, name: string) => {
          const value = e.params?.[name];
          // Amounts travel in fen; the reader reads yuan. A document's kind is told by its label.
          if (name.endsWith('Fen') && typeof value === 'number') return fenToYuanText(value);
          if (name === 'kind' && typeof value === 'string') return tx('docKind', value);
          return String(value ?? '');
        }),
      };
    }),
  };
}

/** Submitting a form or an action: busy flag, the problem to show (in the reader's language), a success message. */
export function useSubmit() {
  const { tx } = useI18n();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async <T,>(call: () => Promise<Result<T>>, onOk: (data: T) => void, okText?: string) => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const r = await call();
      if (r.response.ok) {
        if (okText) setDone(okText);
        onOk(r.data as T);
      } else setProblem(localized(asProblem(r.error, r.response.status), tx));
    } catch (e) {
      setProblem(localized(asProblem(e), tx));
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, setProblem, done, setDone, run };
}

// ---------------------------------------------------------------- errors

/** The message for one field: an exact `errors[].path` match, or one below it (`assetIds.2`). */
export const fieldError = (problem: Problem | null, path: string): string | undefined => {
  const hits = problem?.errors?.filter((e) => e.path === path || e.path.startsWith(`${path}.`)) ?? [];
  return hits.length ? hits.map((e) => e.message).join('; ') : undefined;
};

/** A problem raised in the page before calling the API (same shape as the API's). */
export const localProblem = (errors: { path: string; message: string }[]): Problem => ({
  type: 'about:blank',
  title: 'Bad Request',
  status: 400,
  detail: '',
  errors,
});

export function ProblemBox({
  problem,
  labels = {},
}: {
  problem: Problem | null;
  labels?: Record<string, string>;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problem) ref.current?.focus();
  }, [problem]);
  if (!problem) return null;
  const text =
    problem.status === 0 ? t('app.networkError') : problem.status === 412 ? t('app.stale') : problem.detail;
  return (
    <div class="problem" role="alert" tabIndex={-1} ref={ref} data-status={problem.status}>
      {text && <p>{text}</p>}
      {problem.errors?.length ? (
        <>
          <p>{t('app.errorSummary')}</p>
          <ul>
            {problem.errors.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                {labelFor(e.path, labels) ? <strong>{labelFor(e.path, labels)}: </strong> : null}
                {e.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {problem.currentState ? <p class="muted">({problem.currentState})</p> : null}
    </div>
  );
}
const labelFor = (path: string, labels: Record<string, string>): string | undefined =>
  labels[path] ?? labels[path.split('.')[0]!];

/** Back to where the user came from (history, not a link: hash routes carry no "previous page"). */
export const BackButton = () => {
  const { t } = useI18n();
  return (
    <p>
      <button type="button" class="link" onClick={() => history.back()}>
        ← {t('app.back')}
      </button>
    </p>
  );
};

export const Notice = ({ text }: { text: string | null }) =>
  text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;

// ---------------------------------------------------------------- fields

let fieldSeq = 0;
const useFieldId = (name: string) => useRef(`f-${name}-${++fieldSeq}`).current;

interface FieldProps {
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
}

function FieldShell({
  id,
  label,
  error,
  hint,
  required,
  children,
}: Omit<FieldProps, 'name'> & { id: string; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label}
        {required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : (
          <span class="muted"> ({t('app.optional')})</span>
        )}
      </label>
      {children}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="error">
          {error}
        </small>
      )}
    </div>
  );
}

const aria = (id: string, error?: string, hint?: string) => ({
  id,
  'aria-invalid': error ? true : undefined,
  'aria-describedby':
    [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined,
});

export function TextField(
  props: FieldProps & {
    value: string;
    onInput: (value: string) => void;
    type?: 'text' | 'date' | 'number' | 'email';
    multiline?: boolean;
    list?: string;
    inputMode?: 'numeric' | 'decimal' | 'text';
    autoComplete?: string;
  },
) {
  const id = useFieldId(props.name);
  const common = {
    ...aria(id, props.error, props.hint),
    name: props.name,
    value: props.value,
    required: props.required,
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <FieldShell id={id} {...props}>
      {props.multiline ? (
        <textarea {...common} rows={3} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          list={props.list}
          inputMode={props.inputMode}
          autoComplete={props.autoComplete ?? 'off'}
        />
      )}
    </FieldShell>
  );
}

/** An amount typed in 元 ("1234.56"); the page converts it to fen with `readYuan`. */
export const MoneyField = (props: FieldProps & { value: string; onInput: (value: string) => void }) => {
  const { t } = useI18n();
  return <TextField {...props} inputMode="decimal" hint={props.hint ?? t('app.yuanHint')} />;
};

export function SelectField(
  props: FieldProps & {
    value: string;
    onChange: (value: string) => void;
    options: { value: string; label: string }[];
  },
) {
  const id = useFieldId(props.name);
  return (
    <FieldShell id={id} {...props}>
      <select
        {...aria(id, props.error, props.hint)}
        name={props.name}
        value={props.value}
        required={props.required}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/**
 * Reads money fields (元 text → fen). Returns the amounts, or the field errors in the API's shape so the
 * page shows them exactly like the API's own.
 */
export function readYuan<K extends string>(
  fields: Record<K, string>,
  t: (key: TextKey) => string,
  optional: NoInfer<K>[] = [],
): { ok: true; fen: Record<K, number | undefined> } | { ok: false; problem: Problem } {
  const fen = {} as Record<K, number | undefined>;
  const errors: { path: string; message: string }[] = [];
  for (const [path, text] of Object.entries(fields) as [K, string][]) {
    if (text.trim() === '' && optional.includes(path)) {
      fen[path] = undefined;
      continue;
    }
    const parsed = parseYuan(text);
    if (parsed.ok) fen[path] = parsed.fen;
    else errors.push({ path, message: t(`money.${parsed.reason}`) });
  }
  return errors.length ? { ok: false, problem: localProblem(errors) } : { ok: true, fen };
}

// ---------------------------------------------------------------- display

export const Money = ({ fen }: { fen: number | undefined | null }) => {
  const { lang } = useI18n();
  if (fen === undefined || fen === null) return <span>—</span>;
  return (
    <span class="money" title={`${exactYuan(fen)} 元`}>
      {formatFen(fen, lang)}
    </span>
  );
};
export const DateText = ({ value }: { value: string | undefined | null }) => {
  const { lang } = useI18n();
  return value ? <time dateTime={value}>{formatDate(value, lang)}</time> : <span>—</span>;
};
export const DateTimeText = ({ value }: { value: string | undefined | null }) => {
  const { lang } = useI18n();
  return value ? <time dateTime={value}>{formatDateTime(value, lang)}</time> : <span>—</span>;
};
export const Status = ({ kind, value }: { kind: string; value: string }) => {
  const { tx } = useI18n();
  return <span class={`status status-${value}`}>{tx(kind, value)}</span>;
};

export const Loading = () => {
  const { t } = useI18n();
  return (
    <p class="muted" aria-live="polite">
      {t('app.loading')}
    </p>
  );
};

export function ListState({
  loading,
  problem,
  empty,
}: {
  loading: boolean;
  problem: Problem | null;
  empty: boolean;
}) {
  const { t } = useI18n();
  if (loading) return <Loading />;
  if (problem) return <ProblemBox problem={problem} />;
  if (empty) return <p class="muted">{t('app.empty')}</p>;
  return null;
}

export const MoreButton = ({ more }: { more: (() => Promise<void>) | null }) => {
  const { t } = useI18n();
  return more ? (
    <button type="button" class="secondary" onClick={() => void more()}>
      {t('app.more')}
    </button>
  ) : null;
};

/** Status filter tabs for a queue. */
export function StatusTabs({
  kind,
  statuses,
  value,
  onChange,
}: {
  kind: string;
  statuses: readonly string[];
  value: string;
  onChange: (value: string) => void;
}) {
  const { t, tx } = useI18n();
  return (
    <fieldset class="tabs">
      <legend class="sr-only">{t('app.status')}</legend>
      {['', ...statuses].map((s) => (
        <button type="button" key={s} aria-pressed={value === s} onClick={() => onChange(s)}>
          {s ? tx(kind, s) : t('app.all')}
        </button>
      ))}
    </fieldset>
  );
}

export const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
