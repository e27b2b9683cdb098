export { handleMcpHttp } from './http.ts';
export type { Scope } from './results.ts';
export { createMcpServer, type McpServerOptions } from './server.ts';
