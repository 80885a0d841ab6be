import type { ReactNode } from "react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Banner } from "@shopify/polaris";

/**
 * An admin edit form: App Bridge's contextual save bar (Save / Discard) while there are
 * unsaved changes, and a <form> whose Enter key saves the same way.
 */
export function SaveBarForm({
  id,
  dirty,
  saving,
  onSave,
  onDiscard,
  children,
}: {
  id: string;
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
  onDiscard: () => void;
  children: ReactNode;
}) {
  return (
    <>
      <SaveBar id={id} open={dirty}>
        <button variant="primary" onClick={onSave} disabled={saving} loading={saving ? "" : undefined}>
          Save
        </button>
        <button onClick={onDiscard} disabled={saving}>
          Discard
        </button>
      </SaveBar>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSave();
        }}
      >
        {children}
        {/* Enter in a field submits; the save bar's buttons are outside the form. */}
        <button type="submit" hidden />
      </form>
    </>
  );
}

/** The banner over a refused form: the form-level message, or how many fields to fix. */
export function NotSavedBanner({ title, errorCount, formError }: { title: string; errorCount: number; formError?: string }) {
  if (errorCount === 0 && !formError) return null;
  return (
    <Banner tone="critical" title={title}>
      <p>{formError ?? `Fix ${errorCount === 1 ? "the highlighted field" : `the ${errorCount} highlighted fields`} and save again. Nothing was changed.`}</p>
    </Banner>
  );
}
