import { useEffect, useState } from "react";
import { BlockStack, ChoiceList, FormLayout, InlineStack, Modal, Text, TextField } from "@shopify/polaris";
import { CsvDownloadProgress, useCsvDownload } from "./CsvDownload";

type What = "all" | "filtered" | "ledger";

function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The Members page's Export: every member, the members matching the list's filters, or the
 * points history (ledger) of a date range, as CSV. `filterQuery` is the list's URL filters.
 */
export function MembersExportModal({ open, onClose, filtered, filterQuery }: { open: boolean; onClose: () => void; filtered: boolean; filterQuery: string }) {
  const [what, setWhat] = useState<What>(filtered ? "filtered" : "all");
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 29 * 86_400_000)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const download = useCsvDownload();
  const { reset } = download;
  useEffect(() => {
    if (open) {
      setWhat(filtered ? "filtered" : "all");
      reset();
    }
  }, [open, filtered, reset]);
  const rangeError = what === "ledger" && from && to && from > to ? "The start date must be on or before the end date" : undefined;
  const start = () => {
    if (rangeError) return;
    if (what === "ledger") void download.start(`/app/export/ledger?${new URLSearchParams({ from, to })}`);
    else void download.start(`/app/export/members${what === "filtered" && filterQuery ? `?${filterQuery}` : ""}`);
  };
  const close = () => {
    download.cancel();
    onClose();
  };
  return (
    <Modal
      open={open}
      onClose={close}
      title="Export"
      primaryAction={{ content: download.state.done ? "Export again" : "Export CSV", onAction: start, loading: download.state.running, disabled: Boolean(rangeError) }}
      secondaryActions={[{ content: download.state.running ? "Cancel export" : "Close", onAction: close }]}
    >
      <Modal.Section>
        <BlockStack gap="400">
          <ChoiceList
            title="What to export"
            choices={[
              { label: "All members", value: "all", helpText: "Points, tier and status of every member." },
              {
                label: "Members matching the current filter",
                value: "filtered",
                disabled: !filtered,
                helpText: filtered ? "The search, tier, status and points filters of the list." : "Filter the list first to use this.",
              },
              { label: "Points history", value: "ledger", helpText: "Every points change (earned, spent, adjusted, expired) between two dates." },
            ]}
            selected={[what]}
            onChange={(selected) => {
              setWhat((selected[0] as What | undefined) ?? "all");
              download.reset();
            }}
          />
          {what === "ledger" ? (
            <FormLayout>
              <FormLayout.Group condensed>
                <TextField label="From" type="date" autoComplete="off" value={from} onChange={setFrom} error={rangeError} />
                <TextField label="To" type="date" autoComplete="off" value={to} onChange={setTo} />
              </FormLayout.Group>
            </FormLayout>
          ) : null}
          <CsvDownloadProgress state={download.state} />
          <InlineStack>
            <Text as="p" tone="subdued" variant="bodySm">
              The members file can be imported back into Kanta unchanged. Large shops: the file is built as you wait; keep this window open until it is downloaded.
            </Text>
          </InlineStack>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
