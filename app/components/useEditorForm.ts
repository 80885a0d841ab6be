import { useNavigate } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { showToast } from "./showToast";

type SaveResult = { ok: true; intent: string; message: string; created?: boolean } | { ok: false; errors: { form?: string } };
interface FetcherLike {
  state: string;
  data?: SaveResult | unknown;
}

/**
 * State of an admin editor page (a way to earn, a campaign): the values being edited, what
 * was last saved (a save reloads the loader, and that becomes the new starting point),
 * whether they differ, the delete confirmation, and the toasts and navigation that follow a
 * save or a delete.
 */
export function useEditorForm<T>(
  loaded: T | null,
  fetchers: { save: FetcherLike; remove: FetcherLike & { submit(data: Record<string, string>, options: { method: "post" }): void }; listUrl: string },
) {
  const navigate = useNavigate();
  const [values, setValues] = useState<T | null>(loaded);
  const [baseline, setBaseline] = useState<T | null>(loaded);
  const loadedKey = JSON.stringify(loaded);
  // Keyed by content: only data that really changed (a save) resets the form.
  useEffect(() => {
    setValues(loaded);
    setBaseline(loaded);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by content: `loaded` is a new object on every revalidation, which must not reset the form
  }, [loadedKey]);

  const { save, remove, listUrl } = fetchers;
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const saved = save.data as SaveResult | undefined;
  useEffect(() => {
    if (save.state !== "idle" || !saved) return;
    if (saved.ok && saved.intent === "save") {
      showToast(saved.message);
      if (saved.created) navigate(listUrl);
    } else if (!saved.ok) {
      showToast("Not saved: check the highlighted fields", true);
    }
  }, [save.state, saved, navigate, listUrl]);
  const removed = remove.data as SaveResult | undefined;
  useEffect(() => {
    if (remove.state !== "idle" || !removed) return;
    if (removed.ok) {
      showToast(removed.message);
      navigate(listUrl);
    } else {
      setConfirmingDelete(false);
      showToast(removed.errors.form ?? "Could not delete", true);
    }
  }, [remove.state, removed, navigate, listUrl]);

  const dirty = useMemo(() => JSON.stringify(values) !== JSON.stringify(baseline), [values, baseline]);
  return {
    values,
    setValues,
    dirty,
    discard: () => setValues(baseline),
    /** What <EditorPage> takes from the form: unsaved changes, Discard, and Delete (asks first). */
    page: { dirty, onDiscard: () => setValues(baseline), onDelete: () => setConfirmingDelete(true) },
    /** Props for the page's <ConfirmModal>: open, close, and delete through the `remove` fetcher. */
    deleteModal: {
      open: confirmingDelete,
      onClose: () => setConfirmingDelete(false),
      loading: remove.state !== "idle",
      onConfirm: () => remove.submit({ intent: "delete" }, { method: "post" }),
    },
  };
}
