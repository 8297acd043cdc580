import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import type { HttpApp } from '../platform/http.ts';
import { RatingStatistics, periods } from './ratings.schema.ts';
import { type RatingPolicy, openPendingRectifications, ratingPolicy, ratingStatistics } from './ratings.service.ts';

/** The hub's rating rules: its calendar, the city's reference prefix, and the configured windows. */
export function hubRatingPolicy(hub: Hub): RatingPolicy {
  return ratingPolicy(hub.cases, {
    ratingDays: hub.config.ratingDays, rectificationDays: hub.config.rectificationDays,
  });
}

/** The published 好差评 figures as JSON, and the completion at start of rectifications a crash left unopened. */
export async function ratingRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const policy = hubRatingPolicy(hub);

  app.addHook('onReady', async () => {
    // A failure here must not keep the hub from starting: the rater's next look at the rating completes it too.
    try {
      const completed = await openPendingRectifications(hub.database, policy);
      if (completed.length) app.log.info({ cases: completed }, 'opened the rectifications of bad reviews a crash had left unopened');
    } catch (error) {
      app.log.error({ err: error }, 'could not open the pending rectifications of bad reviews');
    }
  });

  app.get('/api/v1/ratings/statistics', {
    schema: {
      tags: ['ratings'],
      summary: 'Published 好差评 figures per department: cases closed and on time, ratings, satisfaction, mean level, bad reviews and how many were rectified',
      querystring: Type.Object({
        period: Type.Optional(Type.Enum(periods, { description: 'month and year are the current ones in China; all is all time', default: 'month' })),
      }, { additionalProperties: false }),
      response: { 200: RatingStatistics },
    },
  }, async (request) => ratingStatistics(hub.database, policy, request.query.period ?? 'month'));
}
