export { dashboardHtml } from './page.ts';
