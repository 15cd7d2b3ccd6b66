// A small bar chart in inline SVG: one group of bars per time bucket, one bar per series. The
// chart is an image with a text summary; each bar names its bucket and value on hover.
import { useId } from "react";

export type Series = { label: string; values: number[]; className: string };

const WIDTH = 300;
const HEIGHT = 80;

export function bucketLabel(start: Date, unit: "hour" | "day"): string {
  return unit === "hour"
    ? start.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : start.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

export function BarChart({ title, starts, unit, series }: { title: string; starts: Date[]; unit: "hour" | "day"; series: Series[] }) {
  const titleId = useId();
  const [first, last] = [starts[0], starts.at(-1)];
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = WIDTH / Math.max(1, starts.length);
  const bar = (slot * 0.8) / Math.max(1, series.length);
  const summary = series
    .map((s) => `${s.label}: ${s.values.reduce((a, b) => a + b, 0)} in total, at most ${Math.max(0, ...s.values)} per ${unit}`)
    .join("; ");
  return (
    <figure className="mt-2">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-labelledby={titleId} className="h-20 w-full">
        <title id={titleId}>{`${title} per ${unit}. ${summary}.`}</title>
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="stroke-slate-300 dark:stroke-slate-700" strokeWidth={1} />
        {starts.map((start, i) =>
          series.map((s, j) => {
            const value = s.values[i] ?? 0;
            const height = value === 0 ? 0 : Math.max(1.5, (value / max) * (HEIGHT - 4));
            return (
              <rect key={`${i}-${j}`} x={i * slot + slot * 0.1 + j * bar} y={HEIGHT - height} width={bar} height={height} className={s.className}>
                <title>{`${bucketLabel(start, unit)}: ${value} ${s.label}`}</title>
              </rect>
            );
          }),
        )}
      </svg>
      <figcaption className="mt-1 flex justify-between text-[11px] text-slate-500">
        <span>{first ? bucketLabel(first, unit) : ""}</span>
        {series.length > 1 ? (
          <span className="flex gap-3">
            {series.map((s) => (
              <span key={s.label} className="flex items-center gap-1">
                <svg aria-hidden width="8" height="8"><rect width="8" height="8" className={s.className} /></svg>
                {s.label}
              </span>
            ))}
          </span>
        ) : null}
        <span>{last ? bucketLabel(last, unit) : ""}</span>
      </figcaption>
    </figure>
  );
}
