import { createHmac, timingSafeEqual } from "node:crypto";

// The signed one-click unsubscribe link of every loyalty email (RFC 8058): HMAC-SHA256 over
// the shop and the member (or, for a referred friend who is not a member, the address),
// keyed with the app's secret. No login: whoever holds the link may unsubscribe that one
// recipient from that one shop, nothing else. docs/decisions/0022-loyalty-emails.md

export type UnsubscribeTarget = { shopId: string; memberId: string } | { shopId: string; email: string };

function payload(target: UnsubscribeTarget): string {
  return "memberId" in target ? `kanta-unsubscribe:v1:${target.shopId}:m:${target.memberId}` : `kanta-unsubscribe:v1:${target.shopId}:e:${target.email.toLowerCase()}`;
}

export function unsubscribeSignature(secret: string, target: UnsubscribeTarget): string {
  return createHmac("sha256", secret).update(payload(target)).digest("base64url");
}

export function unsubscribeUrl(appUrl: string, secret: string, target: UnsubscribeTarget): string {
  const url = new URL("/email/unsubscribe", appUrl);
  url.searchParams.set("s", target.shopId);
  if ("memberId" in target) url.searchParams.set("m", target.memberId);
  else url.searchParams.set("e", target.email.toLowerCase());
  url.searchParams.set("t", unsubscribeSignature(secret, target));
  return url.toString();
}

/** The link's target when its signature is right; null for anything else (forged, cut, edited). */
export function verifyUnsubscribe(secret: string, params: URLSearchParams): UnsubscribeTarget | null {
  const shopId = params.get("s");
  const memberId = params.get("m");
  const email = params.get("e");
  const token = params.get("t");
  if (!shopId || !token || (memberId ? email : !email)) return null;
  const target: UnsubscribeTarget = memberId ? { shopId, memberId } : { shopId, email: email! };
  const expected = Buffer.from(unsubscribeSignature(secret, target));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given) ? target : null;
}

/** The signature of POST /email/events (bounces and complaints): `sha256=<hex HMAC-SHA256 of the body>`. */
export function mailEventsSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function verifyMailEventsSignature(secret: string, body: string, header: string | null): boolean {
  const given = Buffer.from(header ?? "");
  const expected = Buffer.from(mailEventsSignature(secret, body));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
