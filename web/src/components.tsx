/** Larger shared pieces of the pages: a table from column definitions, a paged list section, form buttons. */
import type { ComponentChildren } from 'preact';
import type { Problem } from './api';
import { useI18n } from './i18n';
import { BackButton, ListState, MoreButton, Notice, Status, StatusTabs } from './ui';

export interface Column<T> {
  /** The header cell's content. */
  head: ComponentChildren;
  cell: (item: T) => ComponentChildren;
}

/** Keeps the columns whose flag is on (a column shown only to some roles). */
export const columns = <T,>(...cols: (Column<T> | false)[]): Column<T>[] =>
  cols.filter((c): c is Column<T> => c !== false);

/**
 * A table in its scrolling wrapper: one row an item, `rowProps` for the row's `data-*` attributes. On a phone each
 * row becomes a card of label–value lines (styles.css), so no column — the details link least of all — is cut off.
 */
export function DataTable<T>({
  items,
  cols,
  rowKey,
  rowProps,
}: {
  items: T[];
  cols: Column<T>[];
  rowKey: (item: T) => string;
  rowProps?: (item: T) => Record<`data-${string}`, string>;
}) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {cols.map((c, i) => (
              <th scope="col" key={i}>
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={rowKey(item)} {...rowProps?.(item)}>
              {cols.map((c, i) => (
                // The column's name beside each value when a phone shows the row as a card.
                <td key={i} data-label={typeof c.head === 'string' ? c.head : ''}>
                  {c.cell(item)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The header of a column of "details" links: read by screen readers only. */
export const DetailsHead = () => {
  const { t } = useI18n();
  return <span class="sr-only">{t('app.details')}</span>;
};

/** The query of a status-filtered page of a list. */
export const pageQuery = <S extends string>(status: string, cursor: string | undefined, limit = 50) => ({
  limit,
  ...(status ? { status: status as S } : {}),
  ...(cursor ? { cursor } : {}),
});

/** A card with a heading, optional status tabs, the list's state, its table and "load more". */
export function ListSection<T>({
  id,
  title,
  tabs,
  list,
  problem = list.problem,
  intro,
  children,
}: {
  id: string;
  title: string;
  tabs?: { kind: string; statuses: readonly string[]; value: string; onChange: (value: string) => void };
  list: { items: T[]; loading: boolean; problem: Problem | null; more: (() => Promise<void>) | null };
  problem?: Problem | null;
  /** Shown between the heading and the list (a form that adds to it, say). */
  intro?: ComponentChildren;
  children: (items: T[]) => ComponentChildren;
}) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro}
      {tabs && <StatusTabs {...tabs} />}
      <ListState loading={list.loading} problem={problem} empty={list.items.length === 0} />
      {list.items.length > 0 && children(list.items)}
      <MoreButton more={list.more} />
    </section>
  );
}

/** A form's submit button with the success notice beside it. */
export const SubmitButtons = ({
  busy,
  label,
  done,
}: {
  busy: boolean;
  label: string;
  done: string | null;
}) => (
  <div class="buttons">
    <button type="submit" disabled={busy}>
      {label}
    </button>
    <Notice text={done} />
  </div>
);

/** The top of a detail page: back, then the title with the record's status. */
export const DetailHeader = ({ title, kind, status }: { title: string; kind: string; status: string }) => (
  <>
    <BackButton />
    <h1>
      {title} <Status kind={kind} value={status} />
    </h1>
  </>
);

/** One term and its value in a `<dl class="facts">`. */
export const Fact = ({ label, children }: { label: string; children: ComponentChildren }) => (
  <>
    <dt>{label}</dt>
    <dd>{children}</dd>
  </>
);

/** A party by name, its code beside it (a USCC, an institution id); the code alone for records older than names. */
export const Named = ({ name, code }: { name?: string | undefined; code: string }) =>
  name ? (
    <>
      {name} <span class="muted code">{code}</span>
    </>
  ) : (
    code
  );
