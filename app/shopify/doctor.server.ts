import { parse } from "smol-toml";
import { DOCTOR_APP_INSTALLATION, DOCTOR_MAIN_THEME_SETTINGS, DOCTOR_METAFIELD_DEFINITIONS, DOCTOR_WEBHOOK_SUBSCRIPTIONS } from "./doctor-documents";
import { POINTS_METAFIELD, TIER_METAFIELD } from "./customers.server";
import { runAdminQuery, type AdminGraphql } from "./graphql";

// npm run doctor (scripts/doctor.ts): checks one shop's install of this deployment against
// Shopify through the Admin API, and says what is wrong and how to fix it. Each check is
// independent: one that cannot run (a missing scope) is reported as skipped, and the others
// still run. docs/decisions/0017-reconciliation-and-operations.md

export type FindingStatus = "ok" | "problem" | "warning" | "skipped";

export interface Finding {
  check: string;
  status: FindingStatus;
  message: string;
  /** What to do about it (problems, warnings and skipped checks). */
  fix?: string;
}

/** What shopify.app.toml declares, as the doctor compares it. */
export interface AppConfig {
  scopes: string[];
  webhookApiVersion: string | null;
  /** Topics as in the TOML (orders/paid) with their path (/webhooks/orders/paid). */
  webhooks: { topic: string; uri: string }[];
  proxy: { prefix: string; subpath: string; url: string } | null;
}

export class AppConfigError extends Error {
  override name = "AppConfigError";
}

/** Reads shopify.app.toml's text (smol-toml: a TOML 1.0 parser). */
export function readAppConfig(tomlText: string): AppConfig {
  let toml: Record<string, unknown>;
  try {
    toml = parse(tomlText) as Record<string, unknown>;
  } catch (error) {
    throw new AppConfigError(`shopify.app.toml is not valid TOML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const table = (value: unknown) => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const scopes = String(table(toml.access_scopes).scopes ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const webhooksTable = table(toml.webhooks);
  const subscriptions = Array.isArray(webhooksTable.subscriptions) ? webhooksTable.subscriptions.map(table) : [];
  const webhooks = subscriptions.flatMap((s) => (Array.isArray(s.topics) ? s.topics.map((topic) => ({ topic: String(topic), uri: String(s.uri ?? "") })) : []));
  const proxy = table(toml.app_proxy);
  return {
    scopes,
    webhookApiVersion: typeof webhooksTable.api_version === "string" ? webhooksTable.api_version : null,
    webhooks,
    proxy: typeof proxy.subpath === "string" && typeof proxy.prefix === "string" ? { prefix: proxy.prefix, subpath: proxy.subpath, url: String(proxy.url ?? "") } : null,
  };
}

export interface DoctorInput {
  shop: string;
  graphql: AdminGraphql;
  config: AppConfig;
  /** The Admin API version this build speaks (payloads are parsed for it). */
  apiVersion: string;
  /** SHOPIFY_APP_URL: where Shopify should send webhooks and proxy requests. */
  appUrl: string;
  /** SCOPES: what the app asks for at install (should be shopify.app.toml's). */
  envScopes: string[];
  /** The storefront's origin for the app proxy check (default https://<shop>). */
  storefrontUrl?: string;
  /** fetch, or a stand-in (tests, local mode). */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
}

const scopeSatisfied = (granted: ReadonlySet<string>, scope: string) =>
  granted.has(scope) || (scope.startsWith("read_") && granted.has(`write_${scope.slice("read_".length)}`));

/** Runs every check; never throws for what Shopify answers (a failed check is a finding). */
export async function runDoctor(input: DoctorInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const installation = await attempt(findings, "Admin API access", () =>
    runAdminQuery<{ currentAppInstallation: { accessScopes: { handle: string }[]; app: { handle: string | null } } }>(input.graphql, DOCTOR_APP_INSTALLATION),
  );
  if (!installation) return findings; // nothing else can be asked without access
  const granted = new Set(installation.currentAppInstallation.accessScopes.map((s) => s.handle));
  findings.push(...checkScopes(input, granted));
  findings.push(...(await checkWebhooks(input)));
  findings.push(await checkProxy(input));
  findings.push(...(await checkMetafieldDefinitions(input)));
  findings.push(await checkThemeEmbed(input, granted, installation.currentAppInstallation.app.handle));
  return findings;
}

async function attempt<T>(findings: Finding[], check: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    findings.push({
      check,
      status: "problem",
      message: `Shopify refused the Admin API call: ${message}`,
      fix: /401|403|Invalid API key|access token/i.test(message)
        ? "The shop's offline session is missing or revoked: open Kanta from the shop's admin to install or re-authorize it, and check SHOPIFY_API_KEY and SHOPIFY_API_SECRET are this app's."
        : "Try again; if it persists, check https://www.shopifystatus.com and the logs.",
    });
    return null;
  }
}

function checkScopes(input: DoctorInput, granted: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const missing = input.config.scopes.filter((s) => !scopeSatisfied(granted, s));
  findings.push(
    missing.length === 0
      ? { check: "Access scopes", status: "ok", message: `The shop granted every scope shopify.app.toml asks for (${input.config.scopes.join(", ")}).` }
      : {
          check: "Access scopes",
          status: "problem",
          message: `The shop has not granted ${missing.join(", ")} (granted: ${[...granted].sort().join(", ") || "none"}).`,
          fix: "Run `shopify app deploy` if shopify.app.toml changed, then open Kanta from the shop's admin: Shopify asks the merchant to approve the new scopes.",
        },
  );
  const envMissing = input.config.scopes.filter((s) => !input.envScopes.includes(s));
  const envExtra = input.envScopes.filter((s) => !input.config.scopes.includes(s));
  if (envMissing.length || envExtra.length) {
    findings.push({
      check: "SCOPES setting",
      status: "warning",
      message: `SCOPES (${input.envScopes.join(",")}) differs from shopify.app.toml's scopes (${input.config.scopes.join(",")}).`,
      fix: `Set SCOPES=${input.config.scopes.join(",")} so that the app asks for what shopify.app.toml declares.`,
    });
  }
  return findings;
}

async function checkWebhooks(input: DoctorInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { config } = input;
  if (config.webhookApiVersion !== input.apiVersion) {
    findings.push({
      check: "Webhook API version",
      status: "problem",
      message: `shopify.app.toml subscribes with API version ${config.webhookApiVersion ?? "(none)"}; this build of Kanta reads ${input.apiVersion} payloads.`,
      fix: `Set [webhooks] api_version = "${input.apiVersion}" in shopify.app.toml and run \`shopify app deploy\`.`,
    });
  } else {
    findings.push({ check: "Webhook API version", status: "ok", message: `shopify.app.toml subscribes with ${input.apiVersion}, the version this build reads.` });
  }
  const listed = await attempt(findings, "Webhook subscriptions", () =>
    runAdminQuery<{ webhookSubscriptions: { nodes: { topic: string; uri: string; apiVersion: { handle: string } }[] } }>(input.graphql, DOCTOR_WEBHOOK_SUBSCRIPTIONS),
  );
  if (!listed) return findings;
  // Shopify lists only shop-specific subscriptions (made through the API); those declared in
  // shopify.app.toml are app-specific and published by `shopify app deploy`. A listed one
  // for a topic Kanta handles must agree with this deployment, or Shopify sends it twice.
  const declared = new Map(config.webhooks.map((w) => [w.topic.toUpperCase().replace(/\//g, "_"), w]));
  const wrong: string[] = [];
  for (const sub of listed.webhookSubscriptions.nodes) {
    const mine = declared.get(sub.topic);
    if (!mine) continue;
    const expectedUri = new URL(mine.uri, input.appUrl).toString();
    const problems = [
      sub.uri !== expectedUri ? `sends to ${sub.uri}, not ${expectedUri}` : null,
      sub.apiVersion.handle !== input.apiVersion ? `uses API version ${sub.apiVersion.handle}, not ${input.apiVersion}` : null,
    ].filter(Boolean);
    if (problems.length) wrong.push(`${mine.topic} ${problems.join(" and ")}`);
  }
  findings.push(
    wrong.length
      ? {
          check: "Webhook subscriptions",
          status: "problem",
          message: `Shop-specific subscriptions disagree with this deployment: ${wrong.join("; ")}.`,
          fix: "Delete those subscriptions (webhookSubscriptionDelete, or uninstall and reinstall the app); Kanta's subscriptions come from shopify.app.toml (`shopify app deploy`).",
        }
      : {
          check: "Webhook subscriptions",
          status: "ok",
          message: `${config.webhooks.length} topics declared in shopify.app.toml (${config.webhooks.map((w) => w.topic).join(", ")}); no shop-specific subscription contradicts them.${listed.webhookSubscriptions.nodes.length === 0 ? " (Shopify does not list subscriptions declared in shopify.app.toml; `shopify app deploy` publishes them.)" : ""}`,
        },
  );
  return findings;
}

async function checkProxy(input: DoctorInput): Promise<Finding> {
  const proxy = input.config.proxy;
  if (!proxy) {
    return { check: "App proxy", status: "problem", message: "shopify.app.toml declares no [app_proxy]: the storefront widget cannot reach Kanta.", fix: 'Add [app_proxy] url = "<SHOPIFY_APP_URL>/proxy", subpath = "kanta", prefix = "apps", then `shopify app deploy`.' };
  }
  const expectedProxyUrl = new URL("/proxy", input.appUrl).toString();
  const url = `${(input.storefrontUrl ?? `https://${input.shop}`).replace(/\/$/, "")}/${proxy.prefix}/${proxy.subpath}/ping`;
  const doFetch = input.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    return { check: "App proxy", status: "problem", message: `${url} did not answer: ${error instanceof Error ? error.message : String(error)}.`, fix: "Check the storefront is reachable from here (in local mode: is `npm run local` running?)." };
  }
  const location = response.headers.get("location") ?? "";
  if (response.status >= 300 && response.status < 400 && /\/password/.test(location)) {
    return { check: "App proxy", status: "skipped", message: `The storefront is password-protected (${url} redirects to ${location}).`, fix: "Remove the storefront password (or check from a browser signed in to it), then run the doctor again." };
  }
  let body: { ok?: unknown; app?: unknown } | null = null;
  try {
    body = (await response.json()) as { ok?: unknown; app?: unknown };
  } catch {
    body = null;
  }
  if (response.ok && body?.ok === true && body.app === "kanta") {
    return { check: "App proxy", status: "ok", message: `${url} reaches this deployment and Shopify's signature verifies.` };
  }
  if (response.status === 401) {
    return { check: "App proxy", status: "problem", message: `${url} reached Kanta, but the request's signature does not verify.`, fix: "SHOPIFY_API_SECRET must be the secret of the app the shop installed (Partner Dashboard > the app > API credentials)." };
  }
  return {
    check: "App proxy",
    status: "problem",
    message: `${url} answered ${response.status}${response.ok ? " without Kanta's answer" : ""}: the app proxy does not lead to this deployment.`,
    fix: `Set [app_proxy] url = "${expectedProxyUrl}" in shopify.app.toml (now "${proxy.url}") and run \`shopify app deploy\`; a shop keeps the proxy it had at install until then.`,
  };
}

async function checkMetafieldDefinitions(input: DoctorInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const wanted = [
    { ownerType: "CUSTOMER", ...TIER_METAFIELD, why: "the member's tier, for Flow conditions, customer segments and the customer page" },
    { ownerType: "CUSTOMER", ...POINTS_METAFIELD, why: "the member's balance, for customer segments, Shopify Email and Klaviyo's Shopify sync" },
  ];
  for (const m of wanted) {
    const found = await attempt(findings, "Metafield definitions", () =>
      runAdminQuery<{ metafieldDefinitions: { nodes: { type: { name: string } }[] } }>(input.graphql, DOCTOR_METAFIELD_DEFINITIONS, { ownerType: m.ownerType, namespace: m.namespace, key: m.key }),
    );
    if (!found) continue;
    const definition = found.metafieldDefinitions.nodes[0];
    const name = `${m.ownerType.toLowerCase()} metafield ${m.namespace}.${m.key}`;
    if (!definition) {
      findings.push({
        check: "Metafield definitions",
        status: "warning",
        message: `No definition for the ${name} (${m.why}): Kanta writes it, but without a definition the admin shows it only as an unstructured value and segments cannot filter on it.`,
        fix: `Create an app-owned definition for it (type ${m.type}), e.g. declared in shopify.app.toml and published with \`shopify app deploy\`: https://shopify.dev/docs/apps/build/metafields/definitions`,
      });
    } else if (definition.type.name !== m.type) {
      findings.push({ check: "Metafield definitions", status: "problem", message: `The ${name} is defined as ${definition.type.name}; Kanta writes ${m.type}, which Shopify then refuses.`, fix: `Change the definition's type to ${m.type} (or delete it and let it be recreated).` });
    } else {
      findings.push({ check: "Metafield definitions", status: "ok", message: `The ${name} is defined (${m.type}).` });
    }
  }
  return findings;
}

/** Theme settings files may start with a /* comment *\/ Shopify adds above the JSON. */
function parseSettingsData(content: string): unknown {
  return JSON.parse(content.replace(/^\uFEFF?\s*\/\*[\s\S]*?\*\/\s*/, ""));
}

async function checkThemeEmbed(input: DoctorInput, granted: ReadonlySet<string>, appHandle: string | null): Promise<Finding> {
  const check = "Theme app embed";
  const editor = `https://${input.shop}/admin/themes/current/editor?context=apps`;
  if (!granted.has("read_themes") && !granted.has("write_themes")) {
    return {
      check,
      status: "skipped",
      message: "Kanta has no read_themes scope, so it cannot read the main theme's settings.",
      fix: `Check by hand: ${editor} (App embeds: "Kanta rewards" on). To let the doctor check, add read_themes to the scopes in shopify.app.toml and SCOPES, deploy, and approve it in the shop.`,
    };
  }
  let themes: { themes: { nodes: { name: string; files: { nodes: { filename: string; body: { content?: string } }[] } }[] } | null };
  try {
    themes = await runAdminQuery(input.graphql, DOCTOR_MAIN_THEME_SETTINGS);
  } catch (error) {
    return { check, status: "problem", message: `Shopify refused to list the main theme: ${error instanceof Error ? error.message : String(error)}`, fix: `Check by hand: ${editor}` };
  }
  const theme = themes.themes?.nodes[0];
  if (!theme) return { check, status: "problem", message: "The shop has no published theme.", fix: "Publish a theme, then enable Kanta's app embed in it." };
  const content = theme.files.nodes.find((f) => f.filename === "config/settings_data.json")?.body.content;
  let settings: { current?: unknown; presets?: Record<string, unknown> };
  try {
    settings = content === undefined ? {} : (parseSettingsData(content) as typeof settings);
  } catch {
    return { check, status: "problem", message: `The main theme "${theme.name}" has a settings_data.json that is not JSON.`, fix: `Open the theme editor and save once: ${editor}` };
  }
  // `current` is the settings object, or (older themes) the name of a preset holding it.
  const current = (typeof settings.current === "string" ? settings.presets?.[settings.current] : settings.current) as { blocks?: Record<string, { type?: string; disabled?: boolean }> } | undefined;
  const handle = appHandle ?? "kanta";
  const embeds = Object.values(current?.blocks ?? {}).filter((b) => typeof b.type === "string" && b.type.startsWith(`shopify://apps/${handle}/blocks/app-embed/`));
  if (embeds.some((b) => b.disabled !== true)) {
    return { check, status: "ok", message: `Kanta's app embed is on in the main theme "${theme.name}".` };
  }
  return {
    check,
    status: "problem",
    message: embeds.length ? `Kanta's app embed is switched off in the main theme "${theme.name}": shoppers see no widget.` : `Kanta's app embed has never been enabled in the main theme "${theme.name}": shoppers see no widget.`,
    fix: `Theme editor > App embeds > "Kanta rewards": on, then Save: ${editor}`,
  };
}

const MARK: Record<FindingStatus, string> = { ok: "ok     ", problem: "PROBLEM", warning: "warning", skipped: "skipped" };

/** The findings as the terminal shows them: one line each, the fix indented below. */
export function formatFindings(shop: string, findings: readonly Finding[]): string {
  const lines = [`Kanta doctor for ${shop}`, ""];
  for (const f of findings) {
    lines.push(`${MARK[f.status]}  ${f.check}: ${f.message}`);
    if (f.fix && f.status !== "ok") lines.push(`         fix: ${f.fix}`);
  }
  const problems = findings.filter((f) => f.status === "problem").length;
  const warnings = findings.filter((f) => f.status === "warning").length;
  lines.push("", problems === 0 ? `No problems${warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}.` : `${problems} problem${problems === 1 ? "" : "s"} to fix.`);
  return lines.join("\n");
}
