// What Settings shows of the Klaviyo connection (klaviyo-settings.server.ts reads and saves it).
// Pure: the Settings page's component imports it.

export interface KlaviyoSettingsView {
  connected: boolean;
  keyHint: string | null;
  enabled: boolean;
  /** Why Kanta stopped sending (Klaviyo refused the key), for Settings. */
  lastError: string | null;
}

/** What the Klaviyo card's own form (intent klaviyo-save / klaviyo-remove) answers. */
export type KlaviyoActionResult = { ok: true; message: string; klaviyo: true } | { ok: false; error: string; klaviyo: true };
