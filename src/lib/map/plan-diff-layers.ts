/**
 * Two compared plan versions on the planner's main map: the buildings that changed grid between
 * them, tinted and outlined. Like the selection they follow a feature-state (`changed`) joined on
 * the building id, so turning the layer on or off restyles a few buildings and rebuilds nothing.
 */
import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';

export const DIFF_LAYER = { fill: 'plan-diff-fill', line: 'plan-diff-line' } as const;
/** Magenta: apart from the grid palette, the selection's red and the sketch's blue. */
export const DIFF_COLOR = '#c2188f';

const changed: ExpressionSpecification = ['boolean', ['feature-state', 'changed'], false];

/** The two layers over the buildings source `source` (ids promoted from the building id). */
export function diffLayers(source: string): LayerSpecification[] {
  return [
    {
      id: DIFF_LAYER.fill,
      type: 'fill',
      source,
      paint: { 'fill-color': DIFF_COLOR, 'fill-opacity': ['case', changed, 0.45, 0] }
    },
    {
      id: DIFF_LAYER.line,
      type: 'line',
      source,
      paint: { 'line-color': DIFF_COLOR, 'line-width': ['case', changed, 3, 0], 'line-dasharray': [2, 1] }
    }
  ];
}
