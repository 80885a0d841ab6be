import { extensionError, requireExtensionSession, type ExtensionSession } from "./extension-session.server";

// Requests from Kanta's POS extension (extensions/kanta-pos): the session token checked by
// ./extension-session.server.ts, whose `sub` is the Shopify user signed in to POS (the staff
// member, never the customer: the customer comes from the device). docs/decisions/0027-pos.md

export interface PosSession extends Pick<ExtensionSession, "shopDomain" | "cors"> {
  /** The staff member: the token's `sub` (Shopify's user id). */
  staffId: string;
}

/** Verifies a POS request's session token; throws a Response (204 preflight, 401 refusal). */
export async function requirePosSession(request: Request): Promise<PosSession> {
  const { shopDomain, sub, cors } = await requireExtensionSession(request, "pos");
  if (!sub) throw extensionError(401, "unauthorized", "Kanta could not confirm this POS session. Sign in to POS again.");
  return { shopDomain, staffId: sub.slice(0, 100), cors };
}
