"use client";
// The mobile API reference: Swagger UI's prebuilt browser bundle (swagger-ui-dist, its own React
// inside), bundled from node_modules by Next: no CDN, and no web fonts (its stylesheet names
// system fonts). It runs under the console's CSP unchanged: the chunk loads with the page's
// nonce ('strict-dynamic'), React sets inline styles through the DOM (which style-src does not
// govern), and "Try it out" calls this same origin (connect-src 'self').
import { useEffect, useRef, useState } from "react";
import "swagger-ui-dist/swagger-ui.css";
import "./api-reference.css";

export function ApiReference({ document }: { document: object }) {
  const node = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // 1.7 MB: loaded only on this page, after the first paint.
    import("swagger-ui-dist/swagger-ui-bundle.js")
      .then(({ default: SwaggerUIBundle }) => {
        if (cancelled || !node.current) return;
        SwaggerUIBundle({
          domNode: node.current,
          spec: document,
          deepLinking: true,
          displayOperationId: true,
          displayRequestDuration: true,
          // The development token pasted under "Authorize" survives a reload (this browser only).
          persistAuthorization: true,
          defaultModelsExpandDepth: 1,
          docExpansion: "list",
          // Nothing leaves this origin: no validator badge (validator.swagger.io), no ?url= loading.
          validatorUrl: null,
          queryConfigEnabled: false,
        });
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
    };
  }, [document]);

  return (
    <div className="api-reference rounded-lg bg-white text-slate-900">
      {failed ? <p role="alert" className="p-4 text-sm text-red-700">The API reference failed to load: {failed}</p> : null}
      <div ref={node} />
    </div>
  );
}
