/**
 * The planner's map as it is printed: without what only the screen needs (the selected buildings'
 * red outline, a half-drawn lasso) and with grid labels large enough for paper. Applies that view,
 * waits until the map has drawn it, and returns the function that puts the screen view back.
 */
import type { Map as MapLibre } from 'maplibre-gl';
import { GRID_LABEL_PX, PLAN_LAYER } from './plan-layers';

const SCREEN_ONLY = [PLAN_LAYER.selected, PLAN_LAYER.sketch] as const;

export async function printView(m: MapLibre, labelPx: number): Promise<() => void> {
  for (const id of SCREEN_ONLY) m.setLayoutProperty(id, 'visibility', 'none');
  m.setLayoutProperty(PLAN_LAYER.labels, 'text-size', labelPx);
  await new Promise<void>((done) => {
    m.once('idle', () => done());
    m.triggerRepaint();
  });
  return () => {
    for (const id of SCREEN_ONLY) m.setLayoutProperty(id, 'visibility', 'visible');
    m.setLayoutProperty(PLAN_LAYER.labels, 'text-size', GRID_LABEL_PX);
  };
}
