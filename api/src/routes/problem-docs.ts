import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { PROBLEM_TYPES, type ProblemSlug } from '../http/problems.ts';

/** Each problem `type` URI resolves to a short page, so a developer can follow it from an error. */
export function problemDocRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/problems', (c) =>
    c.json(
      Object.entries(PROBLEM_TYPES).map(([slug, t]) => ({
        type: `/problems/${slug}`,
        status: t.status,
        title: t.title,
        titleZh: t.titleZh,
        about: t.about,
      })),
    ),
  );
  app.get('/problems/:slug', (c) => {
    const slug = c.req.param('slug');
    if (!Object.hasOwn(PROBLEM_TYPES, slug)) return c.notFound();
    const t = PROBLEM_TYPES[slug as ProblemSlug];
    return c.json({
      type: `/problems/${slug}`,
      status: t.status,
      title: t.title,
      titleZh: t.titleZh,
      about: t.about,
    });
  });
  return app;
}
