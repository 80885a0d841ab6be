import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { Liquid, Tag, type Context, type Emitter, type TagToken, type TopLevelToken, type Liquid as LiquidEngine } from "liquidjs";
import { getEnv } from "../env.server";
import { signProxyQuery } from "../shopify/signing";
import { LOCAL_SHOP } from "../shopify/admin.server";
import { ACCESS_APP_DATA_METAFIELD, PROGRAM_APP_DATA_METAFIELD } from "../shopify/app-data.server";
import { getEmulator } from "./emulator.server";

// Local mode's storefront: renders the theme app extension's own Liquid blocks and assets
// (extensions/kanta-widget) into a plain demo store page with liquidjs, and plays Shopify's
// app proxy: /apps/kanta/* on the "storefront" is signed like Shopify signs it (with the
// logged-in preview customer) and handed to the app's /proxy/* routes. Local mode only.

export const EXTENSION_DIR = path.join(process.cwd(), "extensions", "kanta-widget");
export const PREVIEW_CUSTOMER_COOKIE = "kanta_preview_customer";

type Translations = Record<string, unknown>;

async function loadLocale(locale: string): Promise<Translations> {
  const dir = path.join(EXTENSION_DIR, "locales");
  const files = await readdir(dir);
  const base = JSON.parse(await readFile(path.join(dir, "en.default.json"), "utf8")) as Translations;
  const match = files.find((f) => f === `${locale}.json`);
  if (!match) return base;
  return deepMerge(base, JSON.parse(await readFile(path.join(dir, match), "utf8")) as Translations);
}

function deepMerge(a: Translations, b: Translations): Translations {
  const out: Translations = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && typeof a[k] === "object" ? deepMerge(a[k] as Translations, v as Translations) : v;
  }
  return out;
}

function lookup(translations: Translations, key: string): string | undefined {
  let node: unknown = translations;
  for (const part of key.split(".")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Translations)[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** {% schema %} … {% endschema %}: parsed for setting defaults, rendered as nothing. */
function registerSchemaTag(engine: LiquidEngine, onSchema: (json: string) => void) {
  engine.registerTag(
    "schema",
    class extends Tag {
      constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: LiquidEngine) {
        super(token, remainTokens, liquid);
        let raw = "";
        for (;;) {
          const next = remainTokens.shift();
          if (!next) throw new Error("unclosed {% schema %}");
          if ((next as TagToken).name === "endschema") break;
          raw += next.getText();
        }
        onSchema(raw);
      }
      *render(_ctx: Context, _emitter: Emitter): Generator<unknown, void, unknown> {}
    },
  );
}

export interface PreviewCustomer {
  id: string;
  first_name: string | null;
  email: string | null;
  /** Liquid's customer.tags: what the emulator holds (the tier sync's tags). */
  tags?: string[];
}

/** Liquid's product, as much of it as Kanta's blocks read (members-only.liquid, 0034). */
export interface PreviewProduct {
  id: number;
  title: string;
  handle: string;
  collections: { id: number; handle: string; title: string }[];
}

/**
 * Liquid's `app` object as Shopify gives it: the app-data metafields the emulator holds for
 * the demo shop (`app.metafields.kanta.program.value`, json parsed), synced by the
 * AppDataSync job like in a real store. Nothing synced yet: no metafields.
 */
export async function localAppObject(shopDomain = LOCAL_SHOP): Promise<{ metafields: Record<string, Record<string, { value: unknown; type: string }>> }> {
  const emulator = await getEmulator();
  const metafields: Record<string, Record<string, { value: unknown; type: string }>> = {};
  // kanta.program (0010) and kanta.access (members-only products, 0034).
  for (const field of [PROGRAM_APP_DATA_METAFIELD, ACCESS_APP_DATA_METAFIELD]) {
    const stored = emulator.appDataMetafield(shopDomain, field.namespace, field.key);
    if (!stored) continue;
    let value: unknown = stored.value;
    if (stored.type === "json") {
      try {
        value = JSON.parse(stored.value);
      } catch {
        value = null;
      }
    }
    metafields[field.namespace] = { ...metafields[field.namespace], [field.key]: { value, type: stored.type } };
  }
  return { metafields };
}

export async function renderExtensionBlock(
  blockFile: string,
  options: {
    locale: string;
    customer: PreviewCustomer | null;
    settings?: Record<string, unknown>;
    /** The theme editor (request.design_mode). */
    designMode?: boolean;
    /** Liquid's `app`; default: what the emulator holds for the demo shop. */
    app?: Awaited<ReturnType<typeof localAppObject>>;
    /** A product page's product (Liquid's `product`). */
    product?: PreviewProduct;
    /** The shop's time zone: Shopify's date filter formats in it. Default UTC. */
    timeZone?: string;
  },
): Promise<{ html: string; schema: Record<string, unknown> | null }> {
  const translations = await loadLocale(options.locale);
  const engine = new Liquid({ strictFilters: true, root: [path.join(EXTENSION_DIR, "snippets")], extname: ".liquid", timezoneOffset: options.timeZone ?? "UTC" });
  let schemaJson: string | null = null;
  registerSchemaTag(engine, (json) => {
    schemaJson = json;
  });
  // Shopify's `'key' | t: name: value`: liquidjs hands keyword arguments over as [name, value] pairs.
  engine.registerFilter("t", (key: string, ...args: unknown[]) => {
    let text = lookup(translations, key) ?? key;
    const vars: [string, unknown][] = args.flatMap((a) => (Array.isArray(a) && a.length === 2 && typeof a[0] === "string" ? [a as [string, unknown]] : a && typeof a === "object" ? Object.entries(a) : []));
    for (const [k, v] of vars) text = text.replaceAll(`{{ ${k} }}`, String(v));
    return text;
  });
  engine.registerFilter("asset_url", (name: string) => `/local/extension-assets/${encodeURIComponent(name)}`);
  engine.registerFilter("stylesheet_tag", (url: string) => `<link rel="stylesheet" href="${url}" media="all">`);
  engine.registerFilter("script_tag", (url: string) => `<script src="${url}" defer></script>`);
  const source = await readFile(path.join(EXTENSION_DIR, "blocks", blockFile), "utf8");
  const template = engine.parse(source);
  const schema = schemaJson ? (JSON.parse(schemaJson) as Record<string, unknown>) : null;
  const defaults: Record<string, unknown> = {};
  for (const setting of ((schema?.settings as { id?: string; default?: unknown }[] | undefined) ?? [])) {
    if (setting.id) defaults[setting.id] = setting.default ?? null;
  }
  const html = await engine.render(template, {
    block: { id: `preview-${blockFile.replace(/\W/g, "")}`, settings: { ...defaults, ...options.settings }, shopify_attributes: "" },
    customer: options.customer,
    shop: { permanent_domain: LOCAL_SHOP, name: "Kanta Demo", currency: "EUR" },
    product: options.product ?? null,
    request: { locale: { iso_code: options.locale }, page_type: options.product ? "product" : "index", path: "/", design_mode: options.designMode ?? false },
    app: options.app ?? (await localAppObject()),
    routes: { account_login_url: "/local/storefront/login", account_register_url: "/local/storefront/register", cart_url: "/cart", root_url: "/" },
    localization: { language: { iso_code: options.locale } },
  });
  return { html, schema };
}

export async function readExtensionAsset(name: string): Promise<{ body: string; type: string } | null> {
  if (!/^[\w.-]+\.(js|css)$/.test(name)) return null;
  try {
    const body = await readFile(path.join(EXTENSION_DIR, "assets", name), "utf8");
    return { body, type: name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8" };
  } catch {
    return null;
  }
}

/** The request Shopify would send to /proxy/<subpath> for a storefront call to /apps/kanta/<subpath>. */
export function signedProxyRequest(request: Request, customerId: string | null): Request {
  const url = new URL(request.url);
  const subpath = url.pathname.replace(/^\/apps\/kanta/, "");
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (k !== "signature" && k !== "logged_in_customer_id" && k !== "shop") params[k] = v;
  const signed = signProxyQuery(
    { ...params, shop: LOCAL_SHOP, logged_in_customer_id: customerId ?? "", path_prefix: "/apps/kanta" },
    getEnv().SHOPIFY_API_SECRET,
  );
  const target = new URL(`/proxy${subpath}?${signed.toString()}`, url.origin);
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers: { "Content-Type": request.headers.get("content-type") ?? "application/json", Accept: "application/json" },
    body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
    duplex: "half", // Node's fetch needs it for a streamed body
  };
  return new Request(target, init);
}

export function previewCustomerFromCookie(request: Request): string | null {
  const cookie = request.headers.get("cookie") ?? "";
  const match = new RegExp(`${PREVIEW_CUSTOMER_COOKIE}=(\\d+)`).exec(cookie);
  return match ? match[1]! : null;
}
