// swagger-ui-dist ships no types; only the options the API reference passes.
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  type SwaggerRequest = { url: string; method: string; headers: Record<string, string>; body?: unknown };
  type Options = {
    domNode: HTMLElement;
    spec: object;
    deepLinking?: boolean;
    displayOperationId?: boolean;
    displayRequestDuration?: boolean;
    persistAuthorization?: boolean;
    defaultModelsExpandDepth?: number;
    docExpansion?: "list" | "full" | "none";
    queryConfigEnabled?: boolean;
    tryItOutEnabled?: boolean;
    validatorUrl?: string | null;
    requestInterceptor?: (request: SwaggerRequest) => SwaggerRequest;
  };
  type SwaggerUI = { specActions: unknown };
  const SwaggerUIBundle: (options: Options) => SwaggerUI;
  export default SwaggerUIBundle;
}
