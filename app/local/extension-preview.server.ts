import { createHmac, randomUUID } from "node:crypto";
import path from "node:path";
import { build } from "esbuild";
import { getEnv } from "../env.server";
import { LANGUAGE_CODES } from "../loyalty/i18n/languages";
import { LOCAL_SHOP } from "../shopify/admin.server";
import { uiExtensionTargets } from "../../scripts/build-extensions.mjs";
import { orderStatusSurface, thankYouSurface } from "./order-points-preview.server";

// Local mode's preview HOST for Kanta's UI extensions (customer account, thank-you, POS): it
// runs an extension target's OWN Preact code in the browser. The target's module is bundled
// by esbuild as scripts/build-extensions.mjs does (with `document.body` pointed at the
// preview's mount point), the page provides a `shopify` global stand-in built from a
// surface's data (below) and extension-host.js (functions: sessionToken.get, navigation, i18n,
// toast, storage…), and extension-host.css makes Polaris web components look like Shopify's.
// A surface (customer account, checkout's thank-you, POS) adds its chrome and its part of
// the `shopify` API: append one to PREVIEW_SURFACES. docs/decisions/0025-customer-account-extensions.md

export interface PreviewTarget {
  folder: string;
  handle: string;
  target: string;
  entry: string;
}

export interface PreviewContext {
  request: Request;
  url: URL;
  shop: string;
  handle: string;
  target: string;
  /** The demo customer (gid://shopify/Customer/N), or null for a guest. */
  customerGid: string | null;
  /** The preview's language (BCP-47, e.g. "fi"). */
  language: string;
  /** Other targets of every extension, for the chrome's links. */
  targets: PreviewTarget[];
}

export interface PreviewApi {
  /** Plain data of the `shopify` global, merged over the base (localization, extension, …). */
  data: Record<string, unknown>;
  /** Dotted paths in `data` that are SubscribableSignalLike in the target's types ({ value, subscribe }). */
  signals: string[];
}

export interface PreviewSurface {
  /** e.g. "Customer account". */
  name: string;
  matches(target: string): boolean;
  /** This surface's part of the `shopify` global (merged over the base). */
  api(ctx: PreviewContext): PreviewApi | Promise<PreviewApi>;
  /** HTML around the extension's mount point (`{{extension}}` marks where it goes); the page's <title>. */
  chrome(ctx: PreviewContext): { title: string; html: string };
}

/** Every language Kanta speaks (0036): the extensions read the server's texts in each. */
export const PREVIEW_LANGUAGES = LANGUAGE_CODES;

/** Every UI extension target in extensions/ (their TOML), as the build sees them. */
export function listPreviewTargets(): PreviewTarget[] {
  return (uiExtensionTargets() as PreviewTarget[]).map(({ folder, handle, target, entry }) => ({ folder, handle, target, entry }));
}

/** The URL of a target's preview. */
export function previewUrl(handle: string, target: string, params: Record<string, string> = {}): string {
  return `/local/extensions/${encodeURIComponent(handle)}?${new URLSearchParams({ target, ...params }).toString()}`;
}

/**
 * A session token as Shopify signs it for a UI extension: HS256 JWT with the app's API secret,
 * `aud` the API key, `dest` the shop, `sub` the customer (when signed in), valid 5 minutes.
 * https://shopify.dev/docs/api/customer-account-ui-extensions/latest/target-apis/platform-apis/session-token-api
 */
export function signLocalSessionToken(claims: { shop: string; sub?: string | null; ttlSeconds?: number; extra?: Record<string, unknown> }): string {
  const env = getEnv();
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: `https://${claims.shop}/admin`,
    dest: `https://${claims.shop}`,
    aud: env.SHOPIFY_API_KEY,
    iat: now,
    nbf: now,
    exp: now + (claims.ttlSeconds ?? 300),
    jti: randomUUID(),
    ...(claims.sub ? { sub: claims.sub } : {}),
    ...claims.extra,
  };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return `${unsigned}.${createHmac("sha256", env.SHOPIFY_API_SECRET).update(unsigned).digest("base64url")}`;
}

/** The target's module bundled for the browser: ESM, Preact's JSX, `document.body` = the preview's mount point. */
export async function bundleTargetForBrowser(handle: string, target: string): Promise<string | null> {
  const found = listPreviewTargets().find((t) => t.handle === handle && t.target === target);
  if (!found) return null;
  const result = await build({
    entryPoints: [found.entry],
    bundle: true,
    format: "esm",
    target: "es2020",
    jsx: "automatic",
    jsxImportSource: "preact",
    write: false,
    logLevel: "silent",
    sourcemap: "inline",
    sourceRoot: path.dirname(found.entry),
    define: { "process.env.NODE_ENV": '"development"', "document.body": "globalThis.__kantaExtensionRoot" },
  });
  return result.outputFiles[0]!.text;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
export { escapeHtml as escapePreviewHtml };

const json = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export interface PreviewMemberLink {
  id: string;
  name: string;
  points: number;
}

/** The whole preview page: controls (customer, language, targets), the surface's chrome, the extension. */
export async function renderExtensionPreview(ctx: PreviewContext, surface: PreviewSurface, members: PreviewMemberLink[]): Promise<Response> {
  const base: PreviewApi = {
    data: {
      extensionPoint: ctx.target,
      extension: { target: ctx.target, apiVersion: "2026-07", editor: undefined, scriptUrl: `/local/extensions/${ctx.handle}/bundle.js?target=${encodeURIComponent(ctx.target)}`, capabilities: ["network_access"], rendered: true },
      localization: {
        language: { isoCode: ctx.language },
        extensionLanguage: { isoCode: ctx.language },
        country: { isoCode: "FI" },
      },
      settings: {},
      version: "2026-07",
    },
    signals: ["localization.language", "localization.extensionLanguage", "localization.country", "settings", "extension.rendered"],
  };
  const own = await surface.api(ctx);
  const config = {
    handle: ctx.handle,
    target: ctx.target,
    appUrl: ctx.url.origin,
    sessionToken: signLocalSessionToken({ shop: ctx.shop, sub: ctx.customerGid }),
    data: { ...base.data, ...own.data },
    signals: [...base.signals, ...own.signals],
    previewBase: "/local/extensions/",
    language: ctx.language,
  };
  const keep = (extra: Record<string, string>) => {
    const q = new URLSearchParams({ target: ctx.target, customer: ctx.customerGid?.split("/").pop() ?? "guest", locale: ctx.language, ...extra });
    return `?${q.toString()}`;
  };
  const customerLinks = [
    `<a href="${keep({ customer: "guest" })}" ${ctx.customerGid ? "" : 'aria-current="true"'}>Guest</a>`,
    ...members.map((m) => `<a href="${keep({ customer: m.id })}" ${ctx.customerGid?.endsWith(`/${m.id}`) ? 'aria-current="true"' : ""}>${escapeHtml(m.name)} · ${m.points}</a>`),
  ].join("");
  const localeLinks = PREVIEW_LANGUAGES.map((l) => `<a href="${keep({ locale: l })}" ${l === ctx.language ? 'aria-current="true"' : ""}>${l}</a>`).join("");
  const targetLinks = ctx.targets
    .map((t) => {
      const current = t.handle === ctx.handle && t.target === ctx.target;
      const href = `/local/extensions/${encodeURIComponent(t.handle)}${keep({ target: t.target })}`;
      return `<a href="${href}" ${current ? 'aria-current="true"' : ""}>${escapeHtml(t.handle)} · ${escapeHtml(t.target)}</a>`;
    })
    .join("");
  const chrome = surface.chrome(ctx);
  const mount = `<div id="kanta-extension-root" class="kanta-extension" data-target="${escapeHtml(ctx.target)}"></div>`;
  const html = `<!doctype html>
<html lang="${escapeHtml(ctx.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(chrome.title)} — extension preview</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/local/extension-host/host.css">
</head>
<body>
<div class="preview-bar" role="region" aria-label="Local preview controls"><strong>Kanta extension preview</strong><nav aria-label="Preview as">${customerLinks}</nav><nav aria-label="Language">${localeLinks}</nav><details><summary>Targets</summary><nav aria-label="Targets">${targetLinks}</nav></details></div>
${chrome.html.replace("{{extension}}", mount)}
<script>window.__kantaPreview = ${json(config)};</script>
<script type="module" src="/local/extension-host/host.js"></script>
</body>
</html>`;
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  return new Response(html, { headers });
}

// ---- Surfaces ---------------------------------------------------------------------------

function customerAccountChrome(ctx: PreviewContext, shopName: string): { title: string; html: string } {
  const page = ctx.target === "customer-account.page.render" || ctx.target === "customer-account.order.page.render";
  const rewards = ctx.targets.find((t) => t.target === "customer-account.page.render");
  const keep = (target: PreviewTarget | undefined) =>
    target ? previewUrl(target.handle, target.target, { customer: ctx.customerGid?.split("/").pop() ?? "guest", locale: ctx.language }) : "#";
  const profile = ctx.targets.find((t) => t.target === "customer-account.profile.block.render");
  const nav = `<nav class="ca-nav" aria-label="Account"><a href="#">Shop</a><a href="#">Orders</a><a href="${keep(profile)}" ${!page ? 'aria-current="page"' : ""}>Profile</a>${rewards ? `<a href="${keep(rewards)}" ${page ? 'aria-current="page"' : ""}>Rewards</a>` : ""}</nav>`;
  const header = `<header class="ca-header"><div class="ca-header-inner"><span class="ca-logo">${escapeHtml(shopName)}</span>${nav}<span class="ca-avatar" aria-hidden="true">${ctx.customerGid ? "●" : ""}</span></div></header>`;
  if (page) {
    return { title: "Rewards", html: `${header}<main class="ca-main">{{extension}}</main>` };
  }
  // A block target: Shopify's own Profile page around it.
  const html = `${header}<main class="ca-main"><s-page heading="Profile"><div class="ca-native"><section class="ca-card"><h2>Demo Customer</h2><dl><div><dt>Email</dt><dd>customer@example.org</dd></div></dl></section>{{extension}}<section class="ca-card"><h2>Addresses</h2><p class="ca-subdued">No addresses added</p></section></div></s-page></main>`;
  return { title: "Profile", html };
}

export const customerAccountSurface: PreviewSurface = {
  name: "Customer account",
  matches: (target) => target.startsWith("customer-account."),
  api: (ctx) => ({
    data: {
      authenticatedAccount: { customer: ctx.customerGid ? { id: ctx.customerGid } : undefined, purchasingCompany: null },
      localization: {
        language: { isoCode: ctx.language },
        extensionLanguage: { isoCode: ctx.language },
        country: { isoCode: "FI" },
      },
    },
    signals: ["authenticatedAccount.customer", "authenticatedAccount.purchasingCompany"],
  }),
  chrome: (ctx) => customerAccountChrome(ctx, "Kanta Demo"),
};

/** Every surface the host knows; the thank-you page (checkout) and POS previews append theirs. */
// The order points block's surfaces (thank-you page, order status) come first: the order
// status target is a customer-account target, with the order's data (0026).
export const PREVIEW_SURFACES: PreviewSurface[] = [thankYouSurface, orderStatusSurface, customerAccountSurface];

export function surfaceFor(target: string): PreviewSurface | null {
  return PREVIEW_SURFACES.find((s) => s.matches(target)) ?? null;
}

export { LOCAL_SHOP as PREVIEW_SHOP };
