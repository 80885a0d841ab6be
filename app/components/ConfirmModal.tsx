import type { ReactNode } from "react";
import { Modal, Text } from "@shopify/polaris";

/** "Delete …?" and the like: one destructive action and Cancel, with what it means. */
export function ConfirmModal({
  open,
  title,
  confirmLabel,
  loading,
  onConfirm,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  loading: boolean;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={title}
      primaryAction={{ content: confirmLabel, destructive: true, loading, onAction: onConfirm }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <Text as="p">{children}</Text>
      </Modal.Section>
    </Modal>
  );
}
