/** App Bridge's toast (local mode: the stand-in's); a no-op before App Bridge has loaded. */
export function showToast(message: string, isError = false): void {
  const shopify = (globalThis as unknown as { shopify?: { toast?: { show?: (m: string, o?: { isError?: boolean }) => void } } }).shopify;
  shopify?.toast?.show?.(message, isError ? { isError: true } : undefined);
}
