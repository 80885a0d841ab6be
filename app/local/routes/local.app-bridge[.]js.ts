import { readFile } from "node:fs/promises";
import path from "node:path";
import { isLocalMode } from "../../env.server";

// Local mode's stand-in for App Bridge's CDN script (unreachable offline). Not served
// outside local mode.
export const loader = async () => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const source = await readFile(path.join(process.cwd(), "app", "local", "app-bridge.js"), "utf8");
  return new Response(source, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" } });
};
