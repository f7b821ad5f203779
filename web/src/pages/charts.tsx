/**
 * Two tiny SVG charts (bars and columns): enough for the dashboard, a few hundred bytes instead of a
 * charting library. Each chart is an image with a text alternative plus its data as a table.
 */
import { useRef } from 'preact/hooks';
import { useI18n } from '../i18n';

export interface Datum {
  label: string;
  value: number;
  /** How the value reads to a person (money, counts). */
  text: string;
}

let chartSeq = 0;

function DataTable({ data, caption }: { data: Datum[]; caption: string }) {
  const { t } = useI18n();
  return (
    <details class="chart-data">
      <summary>{t('stats.chartTable')}</summary>
      <table>
        <caption class="sr-only">{caption}</caption>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>{d.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Horizontal bars: one row per category, the label on the left and the value after the bar. */
export function BarChart({ title, data }: { title: string; data: Datum[] }) {
  const { t } = useI18n();
  const id = useRef(`chart-${++chartSeq}`).current;
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 30;
  const labelWidth = 190;
  const barSpace = 280;
  const height = Math.max(row, data.length * row);
  return (
    <figure class="chart" data-chart={title}>
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p class="muted">{t('app.empty')}</p>
      ) : (
        <svg
          viewBox={`0 0 ${labelWidth + barSpace + 150} ${height}`}
          role="img"
          aria-describedby={`${id}-desc`}
        >
          <title>{title}</title>
          <desc id={`${id}-desc`}>{data.map((d) => `${d.label}: ${d.text}`).join('; ')}</desc>
          {data.map((d, i) => {
            const width = d.value > 0 ? Math.max(2, (d.value / max) * barSpace) : 0;
            const y = i * row;
            return (
              <g key={d.label}>
                <text x={labelWidth - 8} y={y + row / 2 + 5} text-anchor="end" class="chart-label">
                  {d.label}
                </text>
                <rect x={labelWidth} y={y + 6} width={width} height={row - 12} rx="3" class="bar" />
                <text x={labelWidth + width + 6} y={y + row / 2 + 5} class="chart-value">
                  {d.text}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <DataTable data={data} caption={title} />
    </figure>
  );
}

/** Columns over time (months): the label under each column, the value above it. */
export function ColumnChart({ title, data }: { title: string; data: Datum[] }) {
  const { t } = useI18n();
  const id = useRef(`chart-${++chartSeq}`).current;
  const max = Math.max(1, ...data.map((d) => d.value));
  const column = 64;
  const chartHeight = 180;
  const width = Math.max(320, data.length * column + 20);
  return (
    <figure class="chart" data-chart={title}>
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p class="muted">{t('app.empty')}</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${chartHeight + 60}`} role="img" aria-describedby={`${id}-desc`}>
          <title>{title}</title>
          <desc id={`${id}-desc`}>{data.map((d) => `${d.label}: ${d.text}`).join('; ')}</desc>
          <line x1="10" x2={width - 10} y1={chartHeight + 30} y2={chartHeight + 30} class="axis" />
          {data.map((d, i) => {
            const h = d.value > 0 ? Math.max(2, (d.value / max) * chartHeight) : 0;
            const x = 20 + i * column;
            return (
              <g key={d.label}>
                <rect x={x} y={chartHeight + 30 - h} width={column - 20} height={h} rx="3" class="bar" />
                <text
                  x={x + (column - 20) / 2}
                  y={chartHeight + 24 - h}
                  text-anchor="middle"
                  class="chart-value"
                >
                  {d.text}
                </text>
                <text x={x + (column - 20) / 2} y={chartHeight + 48} text-anchor="middle" class="chart-label">
                  {d.label}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <DataTable data={data} caption={title} />
    </figure>
  );
}
