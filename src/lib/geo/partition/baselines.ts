/**
 * The two baselines the engine is compared against, as plans on the same problem (so that their
 * compactness is measured the same way): the household-weighted bisection (bisection.ts, which
 * ignores barriers) and household-weighted k-means (kmeans.ts, which ignores bounds too).
 */
import { bisect } from './bisection';
import { kmeans } from './kmeans';
import { Plan } from './plan';
import { gridsFor, type Problem } from './problem';

export function bisectionPlan(p: Problem): Plan {
  const items = p.ids.map((id, i) => ({
    id,
    households: p.hh[i],
    x: p.x[i],
    y: p.y[i],
    group: p.group[i] >= 0 ? p.groupNames[p.group[i]] : null
  }));
  const assign = new Int32Array(p.n);
  const index = new Map(p.ids.map((id, i) => [id, i]));
  bisect(items, { target: p.target, min: p.min, max: p.max }).forEach((g, gi) => {
    for (const id of g.ids) assign[index.get(id)!] = gi;
  });
  return new Plan(p, assign);
}

export function kmeansPlan(p: Problem, seed = 1): Plan {
  const k = gridsFor(p.total, p, p.n);
  return new Plan(p, kmeans(p.x, p.y, p.hh, k, seed).assign);
}
