import { useCallback, useRef, useState } from "react";
import { BlockStack, Banner, ProgressBar, Text } from "@shopify/polaris";

// A CSV download with progress. In Shopify's embedded admin a plain link would be an
// unauthenticated navigation; `fetch` is authenticated by App Bridge (it adds the session
// token), so the page fetches the streamed file, counts rows as they arrive against the
// X-Kanta-Rows header, and hands the finished file to the browser as a download.

export interface CsvDownloadState {
  running: boolean;
  rows: number;
  total: number | null;
  error: string | null;
  done: boolean;
}

const IDLE: CsvDownloadState = { running: false, rows: 0, total: null, error: null, done: false };

function fileNameFrom(disposition: string | null, fallback: string): string {
  const match = disposition?.match(/filename="([^"]+)"/);
  return match?.[1] ?? fallback;
}

export function useCsvDownload() {
  const [state, setState] = useState<CsvDownloadState>(IDLE);
  const abort = useRef<AbortController | null>(null);
  const start = useCallback(async (url: string) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setState({ ...IDLE, running: true });
    try {
      const response = await fetch(url, { headers: { Accept: "text/csv" }, signal: controller.signal });
      if (!response.ok || !response.body) {
        const message = (await response.text().catch(() => "")).slice(0, 300);
        throw new Error(message || `The export failed (HTTP ${response.status})`);
      }
      const announced = Number(response.headers.get("X-Kanta-Rows"));
      const total = Number.isFinite(announced) && announced >= 0 ? announced : null;
      setState((s) => ({ ...s, total }));
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let lines = 0;
      let lastShown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        // Re-render at most every 2,000 rows: counting must not slow the download.
        if (lines - lastShown >= 2000) {
          lastShown = lines;
          const rows = Math.max(0, lines - 1);
          setState((s) => ({ ...s, rows: total === null ? rows : Math.min(rows, total) }));
        }
      }
      const blob = new Blob(chunks as BlobPart[], { type: "text/csv;charset=utf-8" });
      const href = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = href;
      a.download = fileNameFrom(response.headers.get("Content-Disposition"), "kanta-export.csv");
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
      const rows = Math.max(0, lines - 1);
      setState({ running: false, rows: total ?? rows, total: total ?? rows, error: null, done: true });
    } catch (error) {
      if (controller.signal.aborted) return setState(IDLE);
      setState({ ...IDLE, error: error instanceof Error ? error.message : String(error) });
    }
  }, []);
  const cancel = useCallback(() => {
    abort.current?.abort();
    setState(IDLE);
  }, []);
  const reset = useCallback(() => setState(IDLE), []);
  return { state, start, cancel, reset };
}

/** The progress of a download: a bar against the announced row count, then done or the error. */
export function CsvDownloadProgress({ state }: { state: CsvDownloadState }) {
  const number = new Intl.NumberFormat("en");
  if (state.error) return <Banner tone="critical" title="The export failed">{state.error}</Banner>;
  if (state.done) {
    return (
      <Banner tone="success" title="Export ready">
        {`${number.format(state.rows)} ${state.rows === 1 ? "row" : "rows"} downloaded. Check your browser's downloads.`}
      </Banner>
    );
  }
  if (!state.running) return null;
  const progress = state.total ? Math.round((state.rows / Math.max(state.total, 1)) * 100) : 0;
  return (
    <BlockStack gap="200">
      <ProgressBar progress={state.total === 0 ? 100 : progress} size="small" ariaLabelledBy="kanta-export-progress" />
      <Text as="p" tone="subdued" id="kanta-export-progress">
        {state.total === null ? `${number.format(state.rows)} rows so far…` : `${number.format(state.rows)} of ${number.format(state.total)} rows…`}
      </Text>
    </BlockStack>
  );
}
