import { actorOf } from '../../auth/principal.js';
import { QUERY_MAX_CHARS, SEARCH_KINDS } from '../../domain/search.js';
import { useCaseContext } from '../../usecases/context.js';
import { search } from '../../usecases/search.js';
import { errorResponses, jsonResponse, PageQuerySchema } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const SearchQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(QUERY_MAX_CHARS * 2)
    .openapi({
      description:
        'A piece of a name or title (at least 2 letters or digits), or — when it holds a digit — the start of a ' +
        'USCC or number (at least 4), in any spelling: `ZL 2017 1060`, `CN201710601862.3`, full-width digits',
      example: '金华',
    }),
  kind: z.enum(SEARCH_KINDS).optional().openapi({ description: 'Only this kind of record' }),
});

const SearchHitSchema = z
  .object({
    kind: z.enum(SEARCH_KINDS),
    id: z.string().openapi({ description: 'The USCC of an enterprise, the id of a right or a pledge' }),
    title: z.string().openapi({
      description: 'The name of the enterprise, the title or mark of the right, the applicant of the pledge',
    }),
    subtitle: z.string(),
  })
  .openapi('SearchHit');

const SearchPage = z
  .object({ items: z.array(SearchHitSchema), nextCursor: z.string().nullable() })
  .openapi('SearchPage');

export function registerSearchRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'lender', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/search',
      summary: 'Find enterprises, rights and pledges',
      description:
        'Chinese (or any) substrings of enterprise names and right titles; prefixes of USCCs, patent and trademark ' +
        'numbers and pledge registration numbers in any spelling. Only what the caller may open: the IP office ' +
        'everything, a company its own enterprise, rights and pledges, a bank the pledges addressed to it (found ' +
        'also by the applicant’s name and USCC and the pledged rights’ numbers). Each page reads a bounded number ' +
        'of index items whatever the table’s size, so a page may hold fewer than `limit` hits while `nextCursor` ' +
        'is set. The index follows changes within moments.',
      tags: ['search'],
      request: { query: SearchQuerySchema },
      responses: { 200: jsonResponse(SearchPage, 'A page of hits'), ...errorResponses },
    }),
    async (c) => {
      const { q, kind, limit, cursor } = c.req.valid('query');
      const page = await search(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
        q,
        kind,
        limit,
        cursor,
      });
      return c.json(page, 200);
    },
  );
}
