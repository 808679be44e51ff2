// Start fetching the district's stations as soon as the route is known, before rendering.
import { dataset } from '$lib/state/dataset.svelte';
import { rider } from '$lib/state/rider.svelte';

export function load() {
  void rider.load(dataset.root, dataset.code);
  rider.locate();
  return {};
}
