declare module 'hypercore-stats' {
  import type Corestore from 'corestore'

  /** The Gauge class it builds its metrics with (prom-client's, or one bound to a registry). */
  interface PromClient {
    Gauge: new (config: never) => unknown
  }

  class HypercoreStats {
    /** Watches every core the store opens (and those already open). */
    static fromCorestore(store: Corestore): HypercoreStats
    registerPrometheusMetrics(promClient: PromClient): void
  }

  export = HypercoreStats
}
