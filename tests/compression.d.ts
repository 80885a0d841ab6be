// The compression middleware (scripts/serve.mjs uses it untyped), as tests/unit/direct-routes.test.ts mounts it.
declare module "compression" {
  import type { RequestHandler } from "express";
  export default function compression(options?: Record<string, unknown>): RequestHandler;
}
