/**
 * The dashboard's charts: Apache ECharts, fetched on first use (a dynamic import, so no other page downloads it).
 * Each chart is an image with a text alternative, its data as a table (each figure linking to its records where
 * the API has them) and a CSV download of that data.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Cell, toCsv } from '../csv';
import { saveCsv } from '../download';
import { useI18n } from '../i18n';
import { fenToYuanText, formatFen } from '../money';
import { Link } from '../ui';

export interface ChartSeries {
  name: string;
  values: number[];
  /** The records page of one value (by category index), when `/stats/records` can list them. */
  link?: (index: number) => string | undefined;
}

export interface ChartProps {
  /** Stable name: the `data-chart` attribute and the CSV file's name. */
  name: string;
  title: string;
  /** The first column's heading (month, county, line…). */
  categoryLabel: string;
  categories: string[];
  series: ChartSeries[];
  unit: 'fen' | 'count';
  horizontal?: boolean;
  type?: 'bar' | 'line';
}

export function Chart(props: ChartProps) {
  const { t, lang } = useI18n();
  const { name, title, categoryLabel, categories, series, unit, horizontal = false, type = 'bar' } = props;
  const el = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const text = (n: number) =>
    unit === 'fen' ? formatFen(n, lang) : n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
  const spec = {
    categories,
    series: series.map((s) => ({ name: s.name, values: s.values })),
    unit,
    horizontal,
    type,
    lang,
  };
  const key = JSON.stringify(spec);
  useEffect(() => {
    let live = true;
    let chart: { dispose(): void } | undefined;
    import('./echarts-setup').then(
      (m) => {
        if (live && el.current) chart = m.mount(el.current, spec);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      chart?.dispose();
    };
  }, [key]);

  const download = () => {
    const header = [
      categoryLabel,
      ...series.map((s) => (unit === 'fen' ? `${s.name} (${t('stats.yuan')})` : s.name)),
    ];
    const rows = categories.map((c, i): Cell[] => [
      c,
      ...series.map((s) => (unit === 'fen' ? fenToYuanText(s.values[i] ?? 0) : (s.values[i] ?? 0))),
    ]);
    saveCsv(`${name}.csv`, toCsv(header, rows));
  };

  const summary = categories
    .map(
      (c, i) =>
        `${c}: ${series.map((s) => `${series.length > 1 ? `${s.name} ` : ''}${text(s.values[i] ?? 0)}`).join(', ')}`,
    )
    .join('; ');
  const height = horizontal
    ? Math.max(120, categories.length * 30 * Math.max(1, series.length * 0.7) + 50)
    : 280;
  return (
    <figure class="chart" data-chart={name}>
      <figcaption>
        <span>{title}</span>
        <button
          type="button"
          class="secondary small"
          onClick={download}
          aria-label={`${t('stats.chartCsv')}: ${title}`}
        >
          {t('stats.chartCsv')}
        </button>
      </figcaption>
      {categories.length === 0 ? (
        <p class="muted">{t('app.empty')}</p>
      ) : failed ? (
        <p class="muted">{t('stats.chartFailed')}</p>
      ) : (
        <div
          ref={el}
          class="chart-canvas"
          role="img"
          aria-label={`${title}. ${summary}`}
          style={{ height }}
        />
      )}
      <details class="chart-data">
        <summary>{t('stats.chartTable')}</summary>
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{categoryLabel}</th>
                {series.map((s) => (
                  <th scope="col" key={s.name}>
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {categories.map((c, i) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  {series.map((s) => {
                    // A zero has no records to show.
                    const to = (s.values[i] ?? 0) > 0 ? s.link?.(i) : undefined;
                    const value = text(s.values[i] ?? 0);
                    return (
                      <td class="num" key={s.name}>
                        {to ? <Link to={to}>{value}</Link> : value}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
