/** The planner's live map, set by PlanMap while it is mounted: the printable map draws its canvas, scale and bearing. */
import type { Map as MapLibre } from 'maplibre-gl';

export const planMap: { current: MapLibre | null } = { current: null };
