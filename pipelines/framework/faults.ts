/**
 * Deterministic crash points for the fault-injection tests: with
 * `DOTATION_FAULT_AT=<step>:<source>` the process kills itself (SIGKILL, as an
 * OOM killer or a power cut would: no handler, no cleanup) when the run reaches
 * that step of that source. Unset, a point costs one environment lookup.
 */
export const FAULT_STEPS = [
  'fetch', // before the files are fetched
  'created', // the load row exists, status `loading`, no row yet
  'stage', // the files are handed to the source (DuckDB staging)
  'project', // the first commune record is projected, mid-COPY
  'bulk', // a bulk table (addresses) has received its rows
  'load', // every commune record is in the load
  'carry', // a partial run has carried the other départements over
  'check', // the gates are about to run
  'complete', // the load is `ready`, not yet in a release
  'publish', // inside the publish transaction, before its commit
] as const;
export type FaultStep = (typeof FAULT_STEPS)[number];

export function faultPoint(step: FaultStep, source: string): void {
  if (process.env.DOTATION_FAULT_AT !== `${step}:${source}`) return;
  process.kill(process.pid, 'SIGKILL');
  // The signal is on its way: run nothing more meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
