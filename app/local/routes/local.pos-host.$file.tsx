import { readFile } from "node:fs/promises";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";

// The POS part of the extension preview: its host script and stylesheet (app/local/pos-host/). Local mode only.
const FILES: Record<string, string> = { "pos-host.js": "text/javascript; charset=utf-8", "pos.css": "text/css; charset=utf-8" };

export const loader = async ({ params }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const name = params.file ?? "";
  const type = FILES[name];
  if (!type) return new Response("Not found", { status: 404 });
  const body = await readFile(path.join(process.cwd(), "app", "local", "pos-host", name), "utf8");
  return new Response(body, { headers: { "Content-Type": type, "Cache-Control": "no-cache" } });
};
