import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServiceExtension } from '../extensions.ts';
import { BOARD_CSS, boardHtml } from './board-page.ts';

const require = createRequire(import.meta.url);

/** Read once at start: the board's script and chart.js's UMD build, served from node_modules (no CDN). */
const SCRIPT = readFileSync(new URL('./browser/board.js', import.meta.url), 'utf8');
// chart.js's `exports` map hides dist/ from require.resolve; its main entry lives in that folder.
const CHART_JS = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');

/**
 * The office board at `GET /dashboard/board`: open like the dashboard (it holds no data; it asks for an
 * API key and reads `GET /api/v1/reports/operations`). Script, styles and chart.js are separate files,
 * so the page runs under a CSP without inline scripts or handlers.
 */
export const boardExtension: ServiceExtension = {
  name: 'board',
  register(server) {
    const html = boardHtml();
    const send =
      (type: string, body: string) => async (_request: unknown, reply: import('fastify').FastifyReply) =>
        reply.type(type).header('cache-control', 'no-cache').send(body);
    server.get('/dashboard/board', send('text/html; charset=utf-8', html));
    server.get('/dashboard/board.js', send('text/javascript; charset=utf-8', SCRIPT));
    server.get('/dashboard/board.css', send('text/css; charset=utf-8', BOARD_CSS));
    server.get('/dashboard/vendor/chart.umd.min.js', send('text/javascript; charset=utf-8', CHART_JS));
  },
};
