declare module 'hyperswarm-stats' {
  import type Hyperswarm from 'hyperswarm'

  interface PromClient {
    Gauge: new (config: never) => unknown
  }

  class HyperswarmStats {
    constructor(swarm: Hyperswarm)
    /** Bytes over the swarm's connections, closed ones included (since this object was made). */
    getBytesTransmittedAcrossAllStreams(): number
    getBytesReceivedAcrossAllStreams(): number
    /** Its hyperswarm_*, dht_* and udx_* gauges. */
    registerPrometheusMetrics(promClient: PromClient): void
  }

  export = HyperswarmStats
}
