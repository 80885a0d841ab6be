import type { ReactNode } from "react";

/**
 * Two layouts of the same content, the phone one below Polaris's "sm" breakpoint, chosen by
 * CSS (app/styles/kanta-admin.css). Choosing with useBreakpoints() instead renders the
 * desktop layout on the server and swaps after hydration: a layout shift on every phone.
 * The hidden layout is display:none, so it is out of the accessibility tree.
 */
export function ByWidth({ narrow, wide }: { narrow: ReactNode; wide: ReactNode }) {
  return (
    <>
      <div className="kanta-narrow">{narrow}</div>
      <div className="kanta-wide">{wide}</div>
    </>
  );
}
