import type { ReactNode } from "react";
import { Banner, Layout, Page } from "@shopify/polaris";
import { SaveBarForm } from "./SaveBarForm";

/**
 * The frame of an admin editor page (a way to earn, a campaign): title and back link, Save
 * (off until something changed, except for a new item) and Delete, the App Bridge save bar
 * around the form, the "Not saved" banner, and the page's confirmation modal.
 */
export function EditorPage({
  title,
  titleMetadata,
  subtitle,
  back,
  isNew,
  dirty,
  saving,
  onSave,
  onDiscard,
  onDelete,
  saveBarId,
  formError,
  modal,
  children,
}: {
  title: string;
  titleMetadata?: ReactNode;
  subtitle?: string;
  back: { content: string; url: string };
  isNew: boolean;
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
  onDiscard: () => void;
  onDelete: () => void;
  saveBarId: string;
  formError?: string;
  modal: ReactNode;
  children: ReactNode;
}) {
  return (
    <Page
      title={title}
      titleMetadata={titleMetadata}
      subtitle={subtitle}
      backAction={back}
      primaryAction={{ content: "Save", onAction: onSave, loading: saving, disabled: !isNew && !dirty }}
      secondaryActions={isNew ? [] : [{ content: "Delete", destructive: true, onAction: onDelete }]}
    >
      <SaveBarForm id={saveBarId} dirty={dirty} saving={saving} onSave={onSave} onDiscard={onDiscard}>
        <Layout>
          {formError ? (
            <Layout.Section>
              <Banner tone="critical" title="Not saved">
                <p>{formError}</p>
              </Banner>
            </Layout.Section>
          ) : null}
          {children}
        </Layout>
      </SaveBarForm>
      {modal}
    </Page>
  );
}
