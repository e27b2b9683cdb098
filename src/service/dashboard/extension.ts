import type { ServiceExtension } from '../extensions.ts';
import { DASHBOARD_ASSETS, dashboardHtml } from './page.ts';

/** Serves the dashboard page at `GET /dashboard`, open: it holds no data and asks for an API key. */
export const dashboardExtension: ServiceExtension = {
  name: 'dashboard',
  register(server) {
    const html = dashboardHtml();
    server.get('/dashboard', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
    for (const [path, asset] of Object.entries(DASHBOARD_ASSETS)) {
      server.get(path, async (_request, reply) => reply.type(asset.type).send(asset.body));
    }
  },
};
