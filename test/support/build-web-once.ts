import { buildWeb } from '../../scripts/build-web.js';

/**
 * The web portal, built once before the files that serve it: a build empties `web/dist` first, so a file building
 * while another's portal serves pages made that portal answer "not built yet" (a sign-in that never came back).
 */
export default async function setup(): Promise<void> {
  await buildWeb({ log: () => {} });
}
