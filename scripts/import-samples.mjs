// Realistic member-import files in each vendor's layout (Smile, LoyaltyLion, Yotpo, Rivo,
// Joy, Kanta's own export), made from a seed, with the dirty rows real files have: bad
// emails, negative and non-numeric points, the same customer twice, customers the shop does
// not have, blank lines, a byte order mark, CRLF, quoted names with commas, and Excel's
// semicolons with decimal commas. Each file comes with what an import must find in it.
// Used by scripts/make-import-fixtures.mjs (tests/fixtures/import/), the tests and
// bench/import.ts. docs/decisions/0019-member-import.md
import { seededRandom } from "./seeded-random.mjs";

/** The shop's Shopify customers the samples refer to: customer i has id 7000000000000+i. */
export function sampleCustomer(i) {
  const first = FIRST[i % FIRST.length];
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
  return { customerGid: `gid://shopify/Customer/${7_000_000_000_000 + i}`, email: `${first.toLowerCase()}.${last.toLowerCase().replace(/\W/g, "")}.${i}@example.com`, firstName: first, lastName: last, tags: "", locale: null };
}

const FIRST = ["Aino", "Mikko", "Sofia", "Liam", "Emma", "Noah", "Olivia", "Elias", "Maja", "Oskar", "Freja", "Lucas", "Ella", "Hugo", "Saga", "Jean-Luc"];
const LAST = ["Virtanen", "Korhonen", "Nielsen", "Jensen", "Andersson", "O'Brien", "Smith", "Doe, Jr.", "Lindqvist", "Mäkinen", "García", "Müller"];

export const LAYOUTS = ["smile", "loyaltylion", "yotpo", "rivo", "joy", "kanta"];

const HEADERS = {
  smile: ["email", "points"],
  loyaltylion: null, // Column A: emails, column B: points, no header row
  yotpo: ["Full Name", "First Name", "Last Name", "Email", "Points Balance", "Points Spent", "Birthday (MM/DD) or (MM/DD/YYYY)"],
  rivo: ["Email", "Points Balance", "Birthdate", "VIP Tier", "Activation Date", "Credits Balance"],
  joy: ["Email", "Name", "Membership Type", "Points", "Birthday", "Created Date"],
  kanta: ["customer_id", "email", "first_name", "last_name", "points", "pending_points", "lifetime_points", "tier", "status", "enrolled_at"],
};

const FORMAT = {
  smile: { delimiter: ",", eol: "\n", bom: false },
  loyaltylion: { delimiter: ",", eol: "\r\n", bom: false },
  yotpo: { delimiter: ",", eol: "\r\n", bom: true },
  rivo: { delimiter: ",", eol: "\n", bom: false },
  // Joy's export opened and saved by Excel in a decimal-comma locale.
  joy: { delimiter: ";", eol: "\r\n", bom: true },
  kanta: { delimiter: ",", eol: "\n", bom: false },
};

const TIERS = ["Bronze", "Silver", "Gold"];

function quote(value, delimiter) {
  const s = String(value);
  return s.includes(delimiter) || s.includes('"') || s.includes("\n") || s.includes("\r") ? `"${s.replace(/"/g, '""')}"` : s;
}

/** How a points number is written in a layout ("1 234,5" in Excel with decimal commas). */
function writePoints(layout, points, random) {
  if (layout !== "joy") return String(points);
  const grouped = String(points).replace(/\B(?=(\d{3})+(?!\d))/g, random() < 0.5 ? " " : ".");
  return random() < 0.3 ? `${grouped},0` : grouped;
}

function row(layout, c, points, tier, random) {
  const name = `${c.firstName} ${c.lastName}`;
  const day = `0${1 + Math.floor(random() * 9)}/1${Math.floor(random() * 9)}`;
  switch (layout) {
    case "smile":
    case "loyaltylion":
      return [c.email, writePoints(layout, points, random)];
    case "yotpo":
      return [name, c.firstName, c.lastName, c.email, String(points), String(Math.floor(random() * 500)), day];
    case "rivo":
      return [c.email, String(points), "1990-05-12", tier, "2024-03-01", "0"];
    case "joy":
      return [c.email, name, tier, writePoints(layout, points, random), day, "2023-11-20"];
    case "kanta":
      return [c.customerGid.split("/").pop(), c.email, c.firstName, c.lastName, String(points), "0", String(points + 100), tier, "active", "2024-01-15T10:00:00.000Z"];
  }
  throw new Error(`unknown layout ${layout}`);
}

/**
 * One sample file: `rows` good rows for customers [offset, offset + rows) of the shop, and
 * dirty rows mixed in. Returns the text and what must be found: good rows (with each
 * customer's points and tier), bad rows by line, unknown customers.
 */
export function makeSample(layout, { seed = 1, rows = 2000, offset = 0, dirty = true } = {}) {
  const random = seededRandom(seed);
  const { delimiter, eol, bom } = FORMAT[layout];
  const lines = [];
  const headers = HEADERS[layout];
  if (headers) lines.push(headers.map((h) => quote(h, delimiter)).join(delimiter));
  const expected = { good: new Map(), bad: [], unknown: [], blank: 0 };
  const push = (cells) => lines.push(cells.map((v) => quote(v, delimiter)).join(delimiter));
  const blank = (cells) => cells.map(() => "");
  const first = lines.length + 1;
  for (let i = 0; i < rows; i++) {
    const c = sampleCustomer(offset + i);
    const points = Math.floor(random() * (random() < 0.1 ? 20000 : 2000));
    const tier = TIERS[Math.floor(random() * TIERS.length)];
    push(row(layout, c, points, tier, random));
    expected.good.set(c.customerGid, { line: lines.length, points, tier: layout === "rivo" || layout === "joy" || layout === "kanta" ? tier : null });
    if (!dirty || i % 97 !== 13) continue;
    // A dirty row after every ~97 good ones, in turn.
    const kind = Math.floor(i / 97) % 6;
    const other = sampleCustomer(offset + Math.floor(random() * (i + 1)));
    if (kind === 0) {
      push(row(layout, { ...other, email: "not-an-email", customerGid: "gid://shopify/Customer/abc" }, 10, "Bronze", random));
      expected.bad.push(lines.length);
    } else if (kind === 1) {
      const r = row(layout, other, 10, "Bronze", random);
      r[POINTS_AT[layout]] = "-50";
      push(r);
      expected.bad.push(lines.length);
    } else if (kind === 2) {
      const r = row(layout, other, 10, "Bronze", random);
      r[POINTS_AT[layout]] = "lots";
      push(r);
      expected.bad.push(lines.length);
    } else if (kind === 3) {
      // The same customer again, the email in other case and padded (a duplicate).
      push(row(layout, { ...c, email: `  ${c.email.toUpperCase()} ` }, 5, tier, random));
      expected.bad.push(lines.length);
    } else if (kind === 4) {
      const ghost = { customerGid: `gid://shopify/Customer/${9_100_000_000_000 + i}`, email: `ghost.${seed}.${i}@example.org`, firstName: "Ghost", lastName: "Customer" };
      push(row(layout, ghost, 100, "Bronze", random));
      expected.unknown.push(lines.length);
    } else {
      // A blank line, and Excel's cleared row of empty cells.
      lines.push("");
      push(blank(row(layout, c, 0, tier, random)));
      expected.blank += 2;
    }
  }
  void first;
  const text = (bom ? "\uFEFF" : "") + lines.join(eol) + eol;
  return { text, expected };
}

const POINTS_AT = { smile: 1, loyaltylion: 1, yotpo: 4, rivo: 1, joy: 3, kanta: 4 };

/** The fixture files (tests/fixtures/import/<layout>.csv): seeds, sizes and which of the shop's customers each uses. */
export const FIXTURE_SAMPLES = {
  smile: { seed: 11, rows: 3000, offset: 0 },
  loyaltylion: { seed: 12, rows: 2500, offset: 500 },
  yotpo: { seed: 13, rows: 3000, offset: 1000 },
  rivo: { seed: 14, rows: 2500, offset: 0 },
  joy: { seed: 15, rows: 3000, offset: 2000 },
  kanta: { seed: 16, rows: 2000, offset: 3000 },
};
