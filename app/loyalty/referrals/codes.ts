
// Referral codes, friends' welcome codes and visitor tokens. Pure.
// docs/decisions/0009-referrals.md


// No 0/O, 1/I/L or U: readable aloud and typed without mistakes.
const REFERRAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Picks `length` characters uniformly (rejection sampling: no modulo bias). */
function randomChars(alphabet: string, length: number, randomBytes: (n: number) => Uint8Array): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A member's referral code: 8 characters, 30^8 ≈ 6.6 × 10^11 possibilities. */
export function generateReferralCode(randomBytes: (n: number) => Uint8Array): string {
  return randomChars(REFERRAL_ALPHABET, 8, randomBytes);
}

export function normaliseReferralCode(text: string): string | null {
  const code = text.trim().toUpperCase();
  return /^[2-9A-HJKMNP-TV-Z]{8}$/.test(code) ? code : null;
}

/** The friend's welcome code, e.g. FRIEND-7QX4-M2PD. The prefix lets order events skip the lookup for other codes. */
export const FRIEND_CODE_PREFIX = "FRIEND-";

export function generateFriendCode(randomBytes: (n: number) => Uint8Array): string {
  const chars = randomChars(REFERRAL_ALPHABET, 8, randomBytes);
  return `${FRIEND_CODE_PREFIX}${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export function isFriendCode(code: string): boolean {
  return code.trim().toUpperCase().startsWith(FRIEND_CODE_PREFIX);
}

/** The visitor token in the friend's cookie and the order's `kanta_ref` attribute: 192 random bits. */
export function isVisitorToken(text: string | null | undefined): text is string {
  return typeof text === "string" && /^[A-Za-z0-9_-]{32}$/.test(text);
}

/** The cart/order attribute that carries the visitor token (order payload `note_attributes`). */
export const REFERRAL_ATTRIBUTE = "kanta_ref";
