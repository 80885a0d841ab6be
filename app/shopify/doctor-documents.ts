// What `npm run doctor` (./doctor.server.ts) asks the Admin API: read-only checks of the
// install. Validated against the Admin schema with the other documents (./documents.ts ALL_DOCUMENTS).

/** npm run doctor: the scopes the shop granted, and the app's handle (its theme blocks' `shopify://apps/<handle>/…`). */
export const DOCTOR_APP_INSTALLATION = /* GraphQL */ `
  query KantaDoctorAppInstallation {
    currentAppInstallation {
      accessScopes { handle }
      app { handle }
    }
  }
`;

/** npm run doctor: webhook subscriptions the Admin API lists (shop-specific ones; app-specific ones come from shopify.app.toml). */
export const DOCTOR_WEBHOOK_SUBSCRIPTIONS = /* GraphQL */ `
  query KantaDoctorWebhookSubscriptions {
    webhookSubscriptions(first: 100) {
      nodes {
        topic
        uri
        apiVersion { handle }
      }
    }
  }
`;

/** npm run doctor: the definition of a metafield Kanta writes. */
export const DOCTOR_METAFIELD_DEFINITIONS = /* GraphQL */ `
  query KantaDoctorMetafieldDefinitions($ownerType: MetafieldOwnerType!, $namespace: String!, $key: String!) {
    metafieldDefinitions(first: 1, ownerType: $ownerType, namespace: $namespace, key: $key) {
      nodes { namespace key type { name } }
    }
  }
`;

/** npm run doctor: the main theme's settings_data.json, where app embeds are switched on (needs read_themes). */
export const DOCTOR_MAIN_THEME_SETTINGS = /* GraphQL */ `
  query KantaDoctorMainThemeSettings {
    themes(first: 1, roles: [MAIN]) {
      nodes {
        id
        name
        files(filenames: ["config/settings_data.json"], first: 1) {
          nodes {
            filename
            body {
              ... on OnlineStoreThemeFileBodyText { content }
            }
          }
        }
      }
    }
  }
`;

export const DOCTOR_DOCUMENTS = { DOCTOR_APP_INSTALLATION, DOCTOR_WEBHOOK_SUBSCRIPTIONS, DOCTOR_METAFIELD_DEFINITIONS, DOCTOR_MAIN_THEME_SETTINGS };
