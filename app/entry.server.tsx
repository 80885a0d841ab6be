import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { getShopify } from "./shopify.server";
import { startJobRunner } from "./jobs/queue.server";
import { log } from "./log.server";
import { getEnv, isLocalMode } from "./env.server";

// Single fetch (remix.config.js future.v3_singleFetch): Remix reads `streamTimeout` and
// rejects promises still pending in loader data after it; React's render is aborted a second
// later, so those rejections still reach the page.
export const streamTimeout = 5000;

// Webhook intake, which every routes/webhooks.* action is: scripts/serve.mjs calls it for a
// POST to one of those routes' paths without Remix's router (tests/unit/direct-routes.test.ts).
export { receiveWebhook } from "./webhooks/inbox.server";

// What scripts/serve.mjs runs before it listens: the storefront read's cold paths (0045).
export { warmStorefront as warmUp } from "./loyalty/storefront/customer-view.server";

// The environment is checked when the server loads, before it listens: an invalid value
// stops the boot with a message naming the variable.
const env = getEnv();

// Background work starts with the server, so events a crash left in the inbox are
// processed at boot, not only when the next webhook arrives.
if (env.NODE_ENV !== "test") {
  startJobRunner().catch((error: unknown) => log.error("job runner failed to start", { error: String(error) }));
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  if (!isLocalMode()) getShopify().addDocumentResponseHeaders(request, responseHeaders);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        log.error("render error", { error: String(error) });
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
