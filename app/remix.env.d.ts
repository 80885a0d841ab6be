/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// remix.config.js turns on future.v3_singleFetch: loader and action data travel as
// turbo-stream, not JSON, and this makes useLoaderData/useFetcher types follow it.
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export {};
