// The storefront widget (extensions/kanta-widget): Shopify's theme-check, translations that
// match across locales, the size budget, and the rules that keep it cheap for the shop.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { check } from "@shopify/theme-check-node";
import { Liquid } from "liquidjs";
import { describe, expect, it } from "vitest";
import { CATALOGUES } from "../../app/loyalty/i18n/catalogue";
import { LANGUAGE_CODES } from "../../app/loyalty/i18n/languages";
import { MINIFIED, minify } from "../../scripts/build-widget.mjs";

const root = path.join(import.meta.dirname, "..", "..");
const ext = path.join(root, "extensions", "kanta-widget");
const read = (rel: string) => readFileSync(path.join(ext, rel), "utf8");
const blocks = readdirSync(path.join(ext, "blocks")).filter((f) => f.endsWith(".liquid"));
/** The readable scripts (what build:widget minifies or bundles): the launcher, the panel and its modules, the parts loaded on demand. */
const scriptSources = readdirSync(path.join(ext, "assets")).filter((f) => f.endsWith(".js") && !f.endsWith(".min.js"));
const liquidFiles = [...blocks.map((f) => `blocks/${f}`), ...readdirSync(path.join(ext, "snippets")).map((f) => `snippets/${f}`)];

type Tree = { [key: string]: string | Tree };
const json = (rel: string) => JSON.parse(read(rel)) as Tree;

/** "a.b.c" -> value, for every leaf of a locale file. */
function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Groups only Liquid renders (a block's own text, never the scripts'): not in kanta-strings.liquid, so every page's config stays small. */
const LIQUID_ONLY_GROUPS = ["members_only"];
const scriptKeys = (en: Map<string, unknown>) => [...en.keys()].filter((k) => !LIQUID_ONLY_GROUPS.includes(k.split(".")[0]!));

function schemaOf(file: string): { target?: string; settings?: { id?: string; default?: unknown }[]; [k: string]: unknown } {
  const m = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(read(file));
  if (!m) throw new Error(`${file} has no schema`);
  return JSON.parse(m[1]!);
}

describe("theme app extension", () => {
  it("passes Shopify theme-check (theme app extension config) without errors", async () => {
    const config = path.join(root, "node_modules", "@shopify", "theme-check-node", "configs", "theme-app-extension.yml");
    const offenses = await check(ext, config);
    for (const o of offenses) {
      console.log(`theme-check ${o.severity === 0 ? "ERROR" : o.severity === 1 ? "warning" : "info"} ${o.check} ${o.uri.split("kanta-widget/")[1]}:${o.start.line + 1} ${o.message}`);
    }
    expect(offenses.filter((o) => o.severity === 0).map((o) => `${o.check}: ${o.message}`)).toEqual([]);
  });

  it("has the same translation keys and placeholders in every locale", () => {
    const files = readdirSync(path.join(ext, "locales"));
    for (const schema of [false, true]) {
      const suffix = schema ? ".schema.json" : ".json";
      const defaultFile = `en.default${suffix}`;
      const en = flatten(json(`locales/${defaultFile}`));
      const others = files.filter((f) => f !== defaultFile && f.endsWith(suffix) && (schema || !f.endsWith(".schema.json")));
      // Storefront strings: every language Kanta speaks (0036); the theme editor's: the first four.
      const expected = schema ? ["da", "fi", "sv"] : LANGUAGE_CODES.filter((l) => l !== "en");
      expect(others.map((f) => f.replace(/\.(schema\.)?json$/, "")).sort()).toEqual([...expected].sort());
      for (const file of others) {
        const tr = flatten(json(`locales/${file}`));
        expect([...tr.keys()].sort(), file).toEqual([...en.keys()].sort());
        for (const [key, text] of en) {
          expect(tr.get(key)!.trim(), `${file} ${key} is empty`).not.toBe("");
          expect(placeholders(tr.get(key)!), `${file} ${key}`).toEqual(placeholders(text));
        }
      }
    }
  });

  it("uses only translation keys that exist", () => {
    const en = flatten(json("locales/en.default.json"));
    const schemaEn = flatten(json("locales/en.default.schema.json"));
    for (const file of liquidFiles) {
      const source = read(file);
      for (const m of source.matchAll(/'([\w.]+)'\s*\|\s*t\b/g)) expect(en.has(m[1]!), `${file}: '${m[1]}' | t`).toBe(true);
      for (const m of source.matchAll(/"t:([\w.]+)"/g)) expect(schemaEn.has(m[1]!), `${file}: t:${m[1]}`).toBe(true);
    }
  });

  it("inlines only the strings needed before the proxy answers, the same words as the server's catalogue", () => {
    const en = flatten(json("locales/en.default.json"));
    const snippet = read("snippets/kanta-strings.liquid");
    const passed = new Set([...snippet.matchAll(/"([\w.]+)":\s*\{\{\s*'([\w.]+)'\s*\|\s*t\s*\|\s*json\s*\}\}/g)].map((m) => {
      expect(m[1]).toBe(m[2]);
      return m[1]!;
    }));
    expect([...passed].sort()).toEqual(scriptKeys(en).sort());
    expect([...passed].sort()).toEqual(["general.close", "general.load_error", "general.loading", "general.retry", "launcher.label"]);
    // A theme locale file is a copy of its language's catalogue entries (app/loyalty/i18n/widget).
    for (const lang of LANGUAGE_CODES) {
      const file = flatten(json(`locales/${lang === "en" ? "en.default" : lang}.json`));
      for (const [key, text] of file) expect(text, `${lang} ${key}`).toBe(CATALOGUES[lang][key]);
    }
  });

  it("asks only for texts the server's catalogue has (plurals as key_one + key_other)", () => {
    const catalogue = CATALOGUES.en;
    const groups = new Set(Object.keys(catalogue).map((k) => k.split(".")[0]));
    expect(scriptSources).toEqual(expect.arrayContaining(["kanta-launcher.js", "kanta-panel.js", "kanta-panel-rewards.js", "kanta-referral.js", "kanta-give.js", "kanta-challenges.js"]));
    const scripts = scriptSources.map((f) => read(`assets/${f}`)).join("\n");
    const used = [...scripts.matchAll(/'([a-z]+)\.(\w+)'/g)].filter((m) => groups.has(m[1])).map((m) => `${m[1]}.${m[2]}`);
    expect(used.length).toBeGreaterThan(40);
    for (const key of used) expect(key in catalogue || (`${key}_one` in catalogue && `${key}_other` in catalogue), key).toBe(true);
  });

  it("ships every script and style minified from its readable source (npm run build:widget)", async () => {
    for (const file of MINIFIED) expect(read(`assets/${file.out}`), `${file.out} is stale: npm run build:widget`).toBe(await minify(file));
  });

  it("stays within the size budget", () => {
    const sizes = Object.fromEntries(
      ["kanta-launcher.min.js", "kanta-launcher.min.css", "kanta-panel.min.js", "kanta-panel.min.css", "kanta-give.min.js", "kanta-challenges.min.js"].map((f) => {
        const raw = readFileSync(path.join(ext, "assets", f));
        return [f, { raw: raw.length, gzip: gzipSync(raw).length }];
      }),
    );
    const launcher = sizes["kanta-launcher.min.js"]!.gzip + sizes["kanta-launcher.min.css"]!.gzip;
    const panel = sizes["kanta-panel.min.js"]!.gzip + sizes["kanta-panel.min.css"]!.gzip;
    console.log(
      `widget sizes (raw / gzip bytes): ${Object.entries(sizes).map(([f, s]) => `${f} ${s.raw} / ${s.gzip}`).join(", ")}; ` +
        `launcher ${launcher} B gzip, panel on first open ${panel} B gzip`,
    );
    // The whole first load (with the page's config and strings) is checked per language below.
    expect(launcher).toBeLessThanOrEqual(4_096);
    // The panel loads on first open only (0006), minified since the gifts (0031), challenges (0035) and causes (0037)
    // came: its script with the gifts section and the hooks that load kanta-give (causes, surprise notices) only
    // for shoppers whose data has them and kanta-challenges with the first member view.
    // Its modules bundled into one file cost ~500 B gzipped over the one closure they were (0046).
    expect(sizes["kanta-panel.min.js"]!.gzip).toBeLessThanOrEqual(10_752);
    expect(panel).toBeLessThanOrEqual(14_848);
    // Fetched by the open panel (or the leaderboard block) only when needed.
    expect(sizes["kanta-give.min.js"]!.gzip).toBeLessThanOrEqual(2_560);
    expect(sizes["kanta-challenges.min.js"]!.gzip).toBeLessThanOrEqual(2_560);
  });

  it("targets body (app embed) and section (app block), and loads nothing from other hosts", () => {
    expect(schemaOf("blocks/app-embed.liquid").target).toBe("body");
    expect(schemaOf("blocks/rewards-page.liquid").target).toBe("section");
    for (const file of liquidFiles) {
      const source = read(file);
      expect(source, file).not.toMatch(/<script[^>]*\ssrc\s*=\s*["']?(https?:)?\/\//i);
      expect(source, file).not.toMatch(/<link[^>]*\shref\s*=\s*["']?(https?:)?\/\//i);
      // Scripts that are not data must not block parsing.
      for (const tag of source.match(/<script\b[^>]*>/g) ?? []) {
        // External scripts are deferred; the embed's one inline script only loads the launcher after `load`.
        if (/\ssrc=/.test(tag)) expect(tag, file).toMatch(/\sdefer\b/);
      }
    }
    // The scripts talk to the app proxy on the shop's own origin, and to the shop's own Cart
    // API (a gift, 0031; the referral code kept on the cart), and to nothing else.
    for (const file of scriptSources.map((f) => `assets/${f}`)) {
      for (const m of read(file).matchAll(/fetch\(([^,]+?)(?:,|\)$)/gm)) expect(m[1], file).toMatch(/^((c|cfg)\.proxy \+|\(cfg\.cartUrl \|\| '\/cart'\) \+ '\/add\.js'|cartRoot \+ 'cart\/update\.js')/);
    }
  });

  it("keeps the first load (launcher, its styles, the page's config and strings) within 5 KB gzipped in every language", async () => {
    const assets = gzipSync(readFileSync(path.join(ext, "assets", "kanta-launcher.min.js"))).length + gzipSync(readFileSync(path.join(ext, "assets", "kanta-launcher.min.css"))).length;
    const sizes: Record<string, number> = {};
    for (const lang of LANGUAGE_CODES) {
      const engine = liquid(flatten(json(`locales/${lang === "en" ? "en.default" : lang}.json`)));
      const html = await engine.parseAndRender(read("blocks/app-embed.liquid"), {
        ...globals(lang),
        customer: { id: 7390000001001, first_name: "Aino" },
        block: { id: "b1", settings: embedSettings(), shopify_attributes: "" },
      });
      sizes[lang] = assets + gzipSync(html).length;
    }
    console.log(`first load (gzip bytes) per language: ${Object.entries(sizes).map(([l, n]) => `${l} ${n}`).join(", ")}`);
    expect(Math.max(...Object.values(sizes))).toBeLessThanOrEqual(5_120);
    // Adding languages adds nothing to a page: the heaviest language is within 200 B of English.
    expect(Math.max(...Object.values(sizes)) - sizes.en!).toBeLessThan(200);
  });

  it("renders a valid JSON config with every string (guest and member, escaped names)", async () => {
    const en = flatten(json("locales/en.default.json"));
    const engine = liquid(en);
    const settings = embedSettings();
    const render = async (file: string, customer: unknown) => {
      const html = await engine.parseAndRender(read(file), { ...globals("fi"), customer, block: { id: "b1", settings, shopify_attributes: "" } });
      const m = /<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/.exec(html);
      expect(m, file).not.toBeNull();
      expect(m![2]).not.toMatch(/<\//);
      return { html, config: JSON.parse(m![2]!) as Record<string, unknown> & { strings: Record<string, string> } };
    };

    const guest = await render("blocks/app-embed.liquid", null);
    expect(guest.config).toMatchObject({ proxy: "/apps/kanta", locale: "fi", country: "FI", loggedIn: false, customerId: null, firstName: null, shopName: "Ducks &amp; &lt;Co&gt;" });
    expect(Object.keys(guest.config.strings).sort()).toEqual(scriptKeys(en).sort());
    expect(guest.html).toMatch(/addEventListener\('load', go/);
    expect(guest.html).toMatch(/s\.src = "[^"]*kanta-launcher\.min\.js"/);
    expect(guest.html).not.toContain("data-kanta-balance"); // no balance slot for guests

    const member = await render("blocks/app-embed.liquid", { id: 7390000001001, first_name: "</script><b>Aino" });
    expect(member.config).toMatchObject({ loggedIn: true, customerId: "7390000001001", firstName: "&lt;/script&gt;&lt;b&gt;Aino" });
    expect(member.html).toContain("data-kanta-balance");

    const page = await render("blocks/rewards-page.liquid", null);
    expect(page.html).toContain('data-kanta-inline="kanta-config-b1"');
    expect(page.config.settings).toMatchObject({ position: "inline" });
  });
});

/** liquidjs set up like Shopify renders the blocks, with one locale file's strings for `t`. */
function liquid(strings: Map<string, string>): Liquid {
  const engine = new Liquid({ root: [path.join(ext, "snippets")], extname: ".liquid", strictFilters: true });
  // Shopify HTML-escapes translations whose key does not end in _html: do the same here.
  engine.registerFilter("t", (key: string) => (strings.get(key) ?? `missing ${key}`).replace(/'/g, "&#39;"));
  engine.registerFilter("asset_url", (name: string) => `//cdn.shopify.com/extensions/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/kanta-1/assets/${name}`);
  engine.registerTag("schema", {
    parse(_token, remain) {
      while (remain.length && (remain.shift() as { name?: string }).name !== "endschema");
    },
    render() {},
  });
  return engine;
}

function embedSettings(): Record<string, unknown> {
  return Object.fromEntries((schemaOf("blocks/app-embed.liquid").settings ?? []).filter((s) => s.id).map((s) => [s.id, s.default ?? ""]));
}

function globals(locale: string) {
  return {
    shop: { name: "Ducks & <Co>", permanent_domain: "ducks.myshopify.com", customer_accounts_enabled: true },
    routes: { account_login_url: "/account/login", account_register_url: "/account/register", cart_url: "/cart" },
    request: { locale: { iso_code: locale }, page_type: "index", design_mode: false },
    localization: { country: { iso_code: "FI" } },
  };
}
