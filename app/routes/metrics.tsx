import { timingSafeEqual } from "node:crypto";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "../env.server";
import { renderMetrics } from "../metrics.server";

// GET /metrics: Prometheus text format, with `Authorization: Bearer <METRICS_TOKEN>`.
// Without METRICS_TOKEN the endpoint does not exist (404); a wrong token gets 401.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const token = getEnv().METRICS_TOKEN;
  if (!token) return new Response("Not Found", { status: 404 });
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim() ?? "");
  const wanted = Buffer.from(token);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return new Response("Unauthorized", { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="kanta-metrics"' } });
  }
  const { body, contentType } = await renderMetrics();
  return new Response(body, { status: 200, headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
};
