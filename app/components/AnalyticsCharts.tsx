import { BarChart, DonutChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { Button, Text } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";

// Analytics charts (Polaris Viz, not animated: the numbers matter, not the motion) and CSV
// export. Charts draw in the browser only (Polaris Viz measures its container); every chart
// carries a text alternative that states its numbers, and the tables beside them hold them.

export interface ChartSeries {
  name: string;
  data: { key: string; value: number }[];
}

function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** A chart with its text alternative: the SVG is hidden from assistive technology, the summary is read instead. */
function ChartFrame({ summary, height, children }: { summary: string; height: number; children: ReactNode }) {
  const mounted = useMounted();
  return (
    <figure style={{ margin: 0 }}>
      <div aria-hidden="true" style={{ height }}>
        {mounted ? <PolarisVizProvider>{children}</PolarisVizProvider> : null}
      </div>
      <figcaption>
        <Text as="span" visuallyHidden>
          {summary}
        </Text>
      </figcaption>
    </figure>
  );
}

export function TrendChart({ series, summary, format, type = "line" }: { series: ChartSeries[]; summary: string; format: (n: number) => string; type?: "line" | "bar" }) {
  const formatters = { valueFormatter: (v: string | number | null) => (v === null ? "" : format(Number(v))) };
  return (
    <ChartFrame summary={summary} height={260}>
      {type === "line" ? (
        <LineChart data={series} theme="Light" isAnimated={false} yAxisOptions={{ labelFormatter: formatters.valueFormatter }} tooltipOptions={{ valueFormatter: formatters.valueFormatter }} />
      ) : (
        <BarChart data={series} theme="Light" isAnimated={false} yAxisOptions={{ labelFormatter: formatters.valueFormatter }} tooltipOptions={{ valueFormatter: formatters.valueFormatter }} />
      )}
    </ChartFrame>
  );
}

export function ShareChart({ series, summary }: { series: ChartSeries[]; summary: string }) {
  return (
    <ChartFrame summary={summary} height={220}>
      <DonutChart data={series} theme="Light" isAnimated={false} legendPosition="right" />
    </ChartFrame>
  );
}

/** A CSV file from rows (RFC 4180 quoting), downloaded in the browser. */
export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (v: string | number | null) => {
    const text = v === null ? "" : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

export function CsvButton({ filename, rows, label = "Export CSV" }: { filename: string; rows: () => (string | number | null)[][]; label?: string }) {
  return (
    <Button
      variant="plain"
      accessibilityLabel={`${label}: ${filename}`}
      onClick={() => {
        const blob = new Blob([toCsv(rows())], { type: "text/csv;charset=utf-8" });
        const url = URL.createObjectURL(blob);
        const a = document.createElement("a");
        a.href = url;
        a.download = filename;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }}
    >
      {label}
    </Button>
  );
}
