// Entry of a partition worker thread (scripts/lib/partition-pool.ts). Worker threads start
// without the parent's `--import tsx` (the CLI may run under vitest or plain node), so this
// plain-JS entry registers tsx itself, then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./partition-thread.ts');
