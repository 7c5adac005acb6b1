/** The synthetic history lives with the benchmarks, which need it in the built code too. */
export { syntheticHistory } from '../../apps/cli/src/bench/synthetic-history';
