import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import type { Family, Sample } from 'parse-prometheus-text-format'

/** A Prometheus scrape parsed by a standard parser, read by metric name and labels. */
export class Scrape {
  readonly families: Map<string, Family>

  constructor(text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]))
  }

  type(name: string): Family['type'] | undefined {
    return this.families.get(name)?.type
  }

  /** The series of a metric whose labels include `labels`; throws when there is none. */
  sample(name: string, labels: Record<string, string> = {}): Sample {
    const found = this.families
      .get(name)
      ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    if (found === undefined) throw new Error(`no ${name} ${JSON.stringify(labels)} in the scrape`)
    return found
  }

  /** The value of a gauge or counter series. */
  value(name: string, labels: Record<string, string> = {}): number {
    return Number(this.sample(name, labels).value)
  }

  /** Every series of a labelled metric, by the value of `label`. */
  byLabel(name: string, label: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const m of this.families.get(name)?.metrics ?? [])
      if (m.labels?.[label] !== undefined) out[m.labels[label]] = Number(m.value)
    return out
  }
}
