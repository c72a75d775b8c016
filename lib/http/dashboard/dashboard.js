// The dashboard: polls the read routes, follows the event stream, draws the chart. Read-only.
'use strict'

const POLL_MS = 1000
const RECENT = 30
const SAMPLES = 120
const RETRY_MS = 2000

const state = {
  samples: [],
  entries: [],
  /** The next entry position the page needs; entries below `start` it never held. */
  next: null,
  start: 0,
  final: 0,
  source: null
}

const $ = (id) => document.getElementById(id)

function text(id, value) {
  $(id).textContent = value
}

function item(list, content, className) {
  const li = document.createElement('li')
  li.textContent = content
  if (className) li.className = className
  list.append(li)
  return li
}

async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' })
  const body = await res.json()
  if (!res.ok) throw new Error(body.code + ': ' + body.message)
  return body
}

function short(hex) {
  return /^[0-9a-f]{64}$/.test(hex) ? hex.slice(0, 8) : hex
}

function setConnection(ok, label) {
  const badge = $('connection')
  badge.textContent = label
  badge.className = 'badge ' + (ok ? 'ok' : 'bad')
}

async function pollStatus() {
  let s
  try {
    s = await getJson('/v1/status')
  } catch (err) {
    setConnection(false, 'node unreachable: ' + err.message)
    return
  }
  setConnection(true, 'live')
  text('ledger-key', s.key)
  text('head-length', s.length)
  text('head-hash', s.head)
  text('final-length', s.finalLength)
  text('final-hash', s.finalHead)
  text('mode', s.mode)
  text('peers', s.peers)
  text('pending', s.pending)
  text('reorders', s.reorders)
  renderMembers(s.members)
  state.samples.push({ t: Date.now(), length: s.length, lag: s.length - s.finalLength })
  if (state.samples.length > SAMPLES) state.samples.shift()
  drawChart()
  renderStatusAlarms(s)
  setFinal(s.finalLength)
  if (state.next === null) {
    state.next = state.start = Math.max(0, s.length - RECENT)
    connect()
  }
}

function renderMembers(members) {
  const list = $('members')
  list.replaceChildren()
  for (const m of members)
    item(list, `${short(m.key)}  ${m.role}${m.indexer ? ' + indexer' : ''}  since ${m.since}`)
}

async function pollPeers() {
  const list = $('peer-list')
  try {
    const peers = await getJson('/v1/peers')
    list.replaceChildren()
    for (const key of peers.connected) item(list, short(key))
    if (peers.connected.length === 0) item(list, 'no peer connected', 'muted')
  } catch {
    list.replaceChildren()
    item(list, 'no peer list', 'muted')
  }
}

/** Samples of the Prometheus text format: name, labels, value. */
function parseMetrics(body) {
  const samples = []
  for (const line of body.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line)
    if (m === null) continue
    const labels = {}
    for (const l of (m[2] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2]
    samples.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return samples
}

let metricAlarms = null

async function pollMetrics() {
  const list = $('outcomes')
  let samples
  try {
    const res = await fetch('/metrics', { cache: 'no-store' })
    if (!res.ok) throw new Error('HTTP ' + res.status)
    samples = parseMetrics(await res.text())
  } catch {
    metricAlarms = null
    list.replaceChildren()
    item(list, 'no metrics', 'muted')
    return
  }
  const outcomes = samples.filter((s) => s.name === 'autoledger_transactions_total')
  list.replaceChildren()
  for (const s of outcomes.sort((a, b) => b.value - a.value))
    item(list, `${s.labels.outcome}  ${s.value}`, s.labels.outcome === 'accepted' ? '' : 'alarm')
  if (outcomes.length === 0) item(list, 'no transactions yet', 'muted')
  metricAlarms = samples
    .filter((s) => s.name === 'autoledger_alarm' && s.value > 0)
    .map((s) => s.labels.alarm)
}

function renderStatusAlarms(s) {
  const raised = new Set(metricAlarms || [])
  if (s.diverged) raised.add('diverged')
  if (s.stalled) raised.add('stalled')
  if (s.upgradeRequired) raised.add('upgrade required')
  const list = $('alarms')
  list.replaceChildren()
  for (const name of raised) item(list, name, 'alarm')
  if (raised.size === 0) item(list, 'ok: no alarm', 'ok-text')
}

function drawChart() {
  const canvas = $('chart')
  const ratio = window.devicePixelRatio || 1
  canvas.width = canvas.clientWidth * ratio
  canvas.height = 160 * ratio
  const g = canvas.getContext('2d')
  g.scale(ratio, ratio)
  const w = canvas.clientWidth
  const h = 160
  const rates = state.samples.map((s, i, all) =>
    i === 0 ? 0 : ((s.length - all[i - 1].length) * 1000) / Math.max(1, s.t - all[i - 1].t)
  )
  const lags = state.samples.map((s) => s.lag)
  text('rate', rates.length > 1 ? rates[rates.length - 1].toFixed(1) : '-')
  text('lag', lags.length > 0 ? lags[lags.length - 1] : '-')
  g.strokeStyle = '#dfe3ea'
  g.beginPath()
  g.moveTo(0, h - 0.5)
  g.lineTo(w, h - 0.5)
  g.stroke()
  line(g, rates, w, h, '#2f6fde')
  line(g, lags, w, h, '#d97706')
}

function line(g, values, w, h, color) {
  const top = Math.max(1, ...values)
  g.strokeStyle = color
  g.lineWidth = 2
  g.beginPath()
  values.forEach((v, i) => {
    const x = (i / (SAMPLES - 1)) * w
    const y = h - 4 - (v / top) * (h - 12)
    if (i === 0) g.moveTo(x, y)
    else g.lineTo(x, y)
  })
  g.stroke()
  g.fillStyle = color
  g.fillText(String(Math.round(top)), color === '#2f6fde' ? 4 : w - 30, 12)
}

function setFinal(length) {
  if (length <= state.final) return
  state.final = length
  for (const li of $('entries').children)
    if (Number(li.dataset.position) < length) li.querySelector('.finality').textContent = 'final'
}

function addEntry(entry) {
  if (entry.position !== state.next) return
  state.next = entry.position + 1
  const li = document.createElement('li')
  li.dataset.position = entry.position
  const part = (content, className) => {
    const span = document.createElement('span')
    span.textContent = content
    span.className = className
    li.append(span)
  }
  part(String(entry.position), 'position')
  part(
    entry.outcome === 'accepted' ? 'accepted' : 'rejected ' + entry.reason,
    entry.outcome === 'accepted' ? 'outcome' : 'outcome rejected'
  )
  part(entry.final || entry.position < state.final ? 'final' : 'pending', 'finality')
  part(describe(entry.tx), 'what')
  part('by ' + short(entry.writer), 'author')
  $('entries').prepend(li)
  while ($('entries').children.length > RECENT) $('entries').lastElementChild.remove()
}

function describe(tx) {
  if (tx === null) return '(undecodable)'
  if (tx.type === 'put') return `put ${tx.key} = ${JSON.stringify(tx.value)}`.slice(0, 120)
  if (tx.type === 'del') return `del ${tx.key}`
  if (tx.type === 'mint') return `mint ${tx.amount} -> ${short(tx.account)}`
  if (tx.type === 'transfer') return `transfer ${tx.amount} ${short(tx.from)} -> ${short(tx.to)}`
  if (tx.key !== undefined) return `${tx.type} ${short(tx.key)}`
  return tx.type
}

/** Entries from `length` on were replaced: drop them; the stream sends them again. */
function dropFrom(length) {
  for (const li of [...$('entries').children])
    if (Number(li.dataset.position) >= length) li.remove()
  state.next = Math.min(state.next, length)
}

function connect() {
  const source = new EventSource('/v1/events?from=' + state.next)
  state.source = source
  source.addEventListener('entry', (e) => addEntry(JSON.parse(e.data)))
  source.addEventListener('reorder', (e) => dropFrom(JSON.parse(e.data).length))
  source.addEventListener('final', (e) => setFinal(JSON.parse(e.data).length))
  for (const name of ['member', 'peer', 'alarm'])
    source.addEventListener(name, () => {
      pollStatus()
      pollPeers()
    })
  source.onerror = () => {
    // Reconnect by hand: entries not final yet may have been replaced while the stream was down.
    source.close()
    setTimeout(() => {
      dropFrom(Math.max(state.start, Math.min(state.next, state.final)))
      connect()
    }, RETRY_MS)
  }
}

function tick() {
  pollStatus()
  pollPeers()
  pollMetrics()
}

tick()
setInterval(tick, POLL_MS)
window.addEventListener('resize', drawChart)
