/**
 * A small line of daily values (Home's 30-day metrics): inline SVG, no chart library.
 * Scales to its container's width; the accessible name carries the numbers it shows.
 */
export function Sparkline({ values, label, height = 40 }: { values: readonly number[]; label: string; height?: number }) {
  const width = 300; // viewBox units; the SVG stretches to the card
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v: number) => height - 2 - (Math.max(0, v) / max) * (height - 4);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`);
  const line = points.join(" ");
  const area = values.length ? `0,${height} ${line} ${width},${height}` : "";
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" width="100%" height={height} style={{ display: "block" }}>
      <polygon points={area} fill="var(--p-color-bg-fill-info-secondary, #e0f0ff)" />
      <polyline points={line} fill="none" stroke="var(--p-color-bg-fill-info, #0094d5)" strokeWidth={2} vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
    </svg>
  );
}
