// The input and output shapes of cart.validations.generate.run, as `shopify app function
// typegen` would generate them from functions_cart_checkout_validation_2026-07 and the input
// query. Written by hand (the typegen runs through the Shopify CLI); a test
// (tests/unit/access-validation-function.test.ts) validates the query and the outputs
// against the 2026-07 Function schema.

export interface ValidationInput {
  shop: { localTime: { date: string } };
  cart: {
    buyerIdentity?: {
      isAuthenticated: boolean;
      customer?: { id: string; hasTags: { tag: string; hasTag: boolean }[] } | null;
    } | null;
    lines: {
      id: string;
      merchandise: { __typename: string; product?: { id: string; title: string; inCollections: { collectionId: string; isMember: boolean }[] } };
    }[];
  };
  validation: { metafield?: { jsonValue: unknown } | null };
}

export interface CartValidationsGenerateRunResult {
  operations: { validationAdd: { errors: { message: string; target: string }[] } }[];
}
