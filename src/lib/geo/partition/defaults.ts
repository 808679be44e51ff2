/**
 * The grid size the engine aims for unless told otherwise: 300–500 households a grid, 400 the
 * target (the districts' rule: "base grids of 300–500 households"). The engine owns these; the
 * request reader, the planner's form, its tables and warnings, and the charts' band read them here.
 */
export const DEFAULT_TARGET = 400;
export const DEFAULT_MIN = 300;
export const DEFAULT_MAX = 500;
