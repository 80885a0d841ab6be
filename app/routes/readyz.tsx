import { checkReadiness, databaseName } from "../health.server";

// GET /readyz: 200 when this process can do its work (database reachable, migrations
// applied, Redis reachable when REDIS_URL is set), else 503, with each check in JSON.
export const loader = async () => {
  const readiness = await checkReadiness();
  return new Response(JSON.stringify({ ...readiness, database: databaseName() }), {
    status: readiness.ok ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
};
