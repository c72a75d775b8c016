declare module 'parse-prometheus-text-format' {
  namespace parsePrometheusTextFormat {
    /** One series: a value (gauge, counter, untyped) or a histogram's buckets; numbers as text. */
    interface Sample {
      labels?: Record<string, string>
      value?: string
      buckets?: Record<string, string>
      count?: string
      sum?: string
    }
    interface Family {
      name: string
      help: string
      type: 'GAUGE' | 'COUNTER' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
      metrics: Sample[]
    }
  }

  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.Family[]

  export = parsePrometheusTextFormat
}
