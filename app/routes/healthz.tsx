// GET /healthz: the process is up and serving requests. Asks nothing of the database or
// Redis (that is /readyz): a load balancer or orchestrator restarts a process only when
// this fails.
export const loader = () => new Response("ok\n", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
