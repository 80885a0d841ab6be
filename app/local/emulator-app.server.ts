import { EMULATED_DEFAULT_SCOPES, type EmulatedFlowRun, type EmulatedFlowTrigger, type EmulatedShop, type EmulatedTheme, type EmulatedWebhookSubscription, type Resolver } from "./emulator-types.server";
import { isJson, resolveAppNamespace } from "./emulator-helpers.server";

// The app's side of a shop for the Admin API emulator (./emulator.server.ts): its
// installation (the owner of app-data metafields) and granted scopes, metafieldsSet on
// customers and the installation (tier sync, docs/decisions/0010-app-data-metafield.md),
// what npm run doctor reads (webhook subscriptions, metafield definitions, the main
// theme's files), and Flow trigger extensions with the workflows flowTriggerReceive starts.

export class EmulatedApp {
  private metafieldsByShop = new Map<string, Map<string, { namespace: string; key: string; type: string; value: string }>>();
  private flowTriggers = new Map<string, EmulatedFlowTrigger>();
  private flowRunsByShop = new Map<string, EmulatedFlowRun[]>();
  // The app's installation per shop: the owner of app-data metafields.
  private installationByShop = new Map<string, string>();
  // What npm run doctor reads: granted scopes, shop-specific webhook subscriptions,
  // metafield definitions and the main theme's files.
  private scopesByShop = new Map<string, string[]>();
  private webhooksByShop = new Map<string, EmulatedWebhookSubscription[]>();
  private definitionsByShop = new Map<string, { ownerType: string; namespace: string; key: string; type: string }[]>();
  private mainThemeByShop = new Map<string, EmulatedTheme>();

  /** Ids come from the emulator's one sequence; `customerExists` is the emulator's (deleted customers do not). */
  constructor(private readonly deps: { nextId: () => number; customerExists: (id: unknown) => id is string }) {}

  /** A customer metafield's value, by the namespace Shopify stored it under ($app:x is app--kanta--x). */
  customerMetafield(shopDomain: string, customerGid: string, namespace: string, key: string) {
    return this.metafieldsByShop.get(shopDomain)?.get(`${customerGid}|${resolveAppNamespace(namespace)}|${key}`) ?? null;
  }

  /** The app's installation id on a shop (currentAppInstallation). */
  appInstallationId(shopDomain: string): string {
    let id = this.installationByShop.get(shopDomain);
    if (!id) {
      id = `gid://shopify/AppInstallation/${this.deps.nextId()}`;
      this.installationByShop.set(shopDomain, id);
    }
    return id;
  }

  /** An app-data metafield (on the app's installation), as Liquid's `app.metafields` sees it. */
  appDataMetafield(shopDomain: string, namespace: string, key: string) {
    const owner = this.installationByShop.get(shopDomain);
    if (!owner) return null;
    return this.metafieldsByShop.get(shopDomain)?.get(`${owner}|${resolveAppNamespace(namespace)}|${key}`) ?? null;
  }

  /** The scopes the shop granted the app (currentAppInstallation.accessScopes). */
  setAccessScopes(shopDomain: string, scopes: readonly string[]) {
    this.scopesByShop.set(shopDomain, [...scopes]);
  }

  private accessScopes(shopDomain: string): string[] {
    return this.scopesByShop.get(shopDomain) ?? [...EMULATED_DEFAULT_SCOPES];
  }

  /** A shop-specific webhook subscription (app-specific ones, from shopify.app.toml, are not listed by Shopify). */
  addWebhookSubscription(shopDomain: string, subscription: EmulatedWebhookSubscription) {
    this.webhooksByShop.set(shopDomain, [...(this.webhooksByShop.get(shopDomain) ?? []), subscription]);
  }

  /** A metafield definition ($app:kanta namespaces as Kanta writes them). */
  addMetafieldDefinition(shopDomain: string, definition: { ownerType: string; namespace: string; key: string; type: string }) {
    const list = this.definitionsByShop.get(shopDomain) ?? [];
    list.push({ ...definition, namespace: resolveAppNamespace(definition.namespace) });
    this.definitionsByShop.set(shopDomain, list);
  }

  /** The shop's published (MAIN) theme. */
  setMainTheme(shopDomain: string, theme: EmulatedTheme) {
    this.mainThemeByShop.set(shopDomain, theme);
  }

  /** Deploys a Flow trigger extension, so flowTriggerReceive accepts its handle. */
  addFlowTrigger(trigger: EmulatedFlowTrigger) {
    this.flowTriggers.set(trigger.handle, trigger);
  }

  /** Workflows started through flowTriggerReceive. */
  flowRuns(shopDomain: string): EmulatedFlowRun[] {
    return [...(this.flowRunsByShop.get(shopDomain) ?? [])];
  }

  private setMetafields(shop: EmulatedShop, inputs: Record<string, unknown>[]) {
    const userErrors: { field: string[]; message: string; code: string; elementIndex: number }[] = [];
    if (inputs.length > 25) userErrors.push({ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: 0 });
    inputs.forEach((m, index) => {
      const field = (name: string) => ["metafields", String(index), name];
      const namespace = typeof m.namespace === "string" ? m.namespace : "$app";
      const key = String(m.key);
      const ownsAppData = m.ownerId === this.installationByShop.get(shop.myshopifyDomain);
      if (!ownsAppData && !this.deps.customerExists(m.ownerId)) userErrors.push({ field: field("ownerId"), message: "Owner does not exist.", code: "INVALID", elementIndex: index });
      if (!/^[a-zA-Z0-9_-]{2,64}$/.test(key)) userErrors.push({ field: field("key"), message: "Key must be 2-64 characters long and only contain alphanumeric, hyphen, and underscore characters.", code: "INVALID", elementIndex: index });
      const resolved = resolveAppNamespace(namespace);
      if (resolved.length < 3 || resolved.length > 255) userErrors.push({ field: field("namespace"), message: "Namespace is too short or too long.", code: "INVALID", elementIndex: index });
      if (typeof m.type !== "string" || !m.type) userErrors.push({ field: field("type"), message: "Type can't be blank", code: "BLANK", elementIndex: index });
      else if (m.type === "single_line_text_field" && (/[\r\n]/.test(String(m.value)) || String(m.value).length === 0)) {
        userErrors.push({ field: field("value"), message: "Value must be a single line text string.", code: "INVALID_VALUE", elementIndex: index });
      } else if (m.type === "json" && !isJson(String(m.value))) {
        userErrors.push({ field: field("value"), message: "Value is invalid JSON.", code: "INVALID_VALUE", elementIndex: index });
      }
    });
    if (userErrors.length) return { metafields: null, userErrors };
    const store = this.metafieldsByShop.get(shop.myshopifyDomain) ?? new Map();
    const saved = inputs.map((m) => {
      const namespace = resolveAppNamespace(typeof m.namespace === "string" ? m.namespace : "$app");
      const metafield = { namespace, key: String(m.key), type: String(m.type), value: String(m.value) };
      store.set(`${String(m.ownerId)}|${namespace}|${metafield.key}`, metafield);
      return { id: `gid://shopify/Metafield/${this.deps.nextId()}`, ...metafield };
    });
    this.metafieldsByShop.set(shop.myshopifyDomain, store);
    return { metafields: saved, userErrors: [] };
  }

  private receiveFlowTrigger(shop: EmulatedShop, args: Record<string, unknown>) {
    const handle = typeof args.handle === "string" ? args.handle : "";
    const trigger = this.flowTriggers.get(handle);
    if (!trigger) return { userErrors: [{ field: ["handle"], message: `Trigger with handle '${handle}' not found` }] };
    const payload = args.payload && typeof args.payload === "object" && !Array.isArray(args.payload) ? (args.payload as Record<string, unknown>) : null;
    if (!payload) return { userErrors: [{ field: ["payload"], message: "Payload must be a JSON object" }] };
    if (JSON.stringify(payload).length > 50_000) return { userErrors: [{ field: ["payload"], message: "Payload exceeds 50KB" }] };
    const userErrors: { field: string[]; message: string }[] = [];
    for (const f of trigger.fields) {
      const key = f.type === "customer_reference" ? "customer_id" : f.type === "order_reference" ? "order_id" : f.type === "product_reference" ? "product_id" : (f.key ?? "");
      const value = payload[key];
      if (value === undefined || value === null) userErrors.push({ field: ["payload", key], message: `${key} is required` });
      else if (f.type === "customer_reference" && !(typeof value === "number" && Number.isSafeInteger(value) && this.deps.customerExists(`gid://shopify/Customer/${value}`))) {
        userErrors.push({ field: ["payload", key], message: "customer_id must be the numeric id of an existing customer" });
      } else if (f.type === "single_line_text_field" && typeof value !== "string") userErrors.push({ field: ["payload", key], message: `${key} must be a string` });
      else if (f.type === "number_decimal" && !(typeof value === "number" && Number.isFinite(value))) userErrors.push({ field: ["payload", key], message: `${key} must be a number` });
    }
    if (userErrors.length) return { userErrors };
    const runs = this.flowRunsByShop.get(shop.myshopifyDomain) ?? [];
    runs.push({ handle, payload, at: new Date() });
    this.flowRunsByShop.set(shop.myshopifyDomain, runs);
    return { userErrors: [] };
  }

  resolvers(): Record<string, Resolver> {
    return {
      currentAppInstallation: (_args, shop) => ({
        id: this.appInstallationId(shop.myshopifyDomain),
        accessScopes: this.accessScopes(shop.myshopifyDomain).map((handle) => ({ handle })),
        app: { handle: "kanta" },
      }),
      webhookSubscriptions: (args, shop) => ({
        nodes: (this.webhooksByShop.get(shop.myshopifyDomain) ?? []).slice(0, typeof args.first === "number" ? args.first : 50).map((w) => ({ topic: w.topic, uri: w.uri, apiVersion: { handle: w.apiVersion } })),
      }),
      metafieldDefinitions: (args, shop) => ({
        nodes: (this.definitionsByShop.get(shop.myshopifyDomain) ?? [])
          .filter((d) => d.ownerType === args.ownerType && d.namespace === resolveAppNamespace(String(args.namespace ?? d.namespace)) && d.key === (args.key ?? d.key))
          .slice(0, typeof args.first === "number" ? args.first : 50)
          .map((d) => ({ namespace: d.namespace, key: d.key, type: { name: d.type } })),
      }),
      themes: (args, shop) => {
        // Shopify answers a field the app has no scope for with an access-denied error.
        if (!this.accessScopes(shop.myshopifyDomain).some((s) => s === "read_themes" || s === "write_themes")) {
          throw new Error("Access denied for themes field. Required access: `read_themes` access scope.");
        }
        const theme = this.mainThemeByShop.get(shop.myshopifyDomain);
        const roles = (args.roles as string[] | undefined) ?? ["MAIN"];
        if (!theme || !roles.includes("MAIN")) return { nodes: [] };
        return {
          nodes: [
            {
              id: theme.id,
              name: theme.name,
              files: (a: { filenames?: string[] }) => ({
                nodes: Object.entries(theme.files)
                  .filter(([filename]) => !a.filenames || a.filenames.includes(filename))
                  .map(([filename, content]) => ({ filename, body: { __typename: "OnlineStoreThemeFileBodyText", content } })),
              }),
            },
          ],
        };
      },
      metafieldsSet: (args, shop) => this.setMetafields(shop, args.metafields as Record<string, unknown>[]),
      flowTriggerReceive: (args, shop) => this.receiveFlowTrigger(shop, args),
    };
  }
}
