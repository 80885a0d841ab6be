// A customer's email address as Kanta compares it (referral fraud rules, erasure). Pure.

/**
 * Lower-case; "+tag" dropped (plus addressing, most providers); dots dropped for Gmail,
 * which ignores them; googlemail.com is gmail.com. Null if it is not an address at all.
 */
export function normaliseEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf("@");
  if (at < 1 || at === e.length - 1) return null;
  let local = e.slice(0, at);
  let domain = e.slice(at + 1);
  if (domain === "googlemail.com") domain = "gmail.com";
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (domain === "gmail.com") local = local.replace(/\./g, "");
  return local ? `${local}@${domain}` : null;
}

export function isValidEmail(text: string): boolean {
  return text.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text.trim()) && /\.[a-z]{2,}$/i.test(text.trim());
}
