// Where Kanta's backend is. Shopify's CLI replaces `process.env.APP_URL` with the app's URL
// (application_url) when it bundles the extension; anywhere else (local mode's preview, on
// the app's own origin) the paths are relative.
export function kantaUrl(path: string): string {
  let base = "";
  try {
    base = process.env.APP_URL ?? "";
  } catch {
    base = "";
  }
  return base.replace(/\/$/, "") + path;
}
