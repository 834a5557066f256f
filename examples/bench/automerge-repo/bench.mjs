// The reference stack for weft's network benchmarks (issue 3, DESIGN.md
// section 12): automerge-repo 2.5.6 with Automerge 3.5.0, a server and a
// client in two Node processes talking over a WebSocket on 127.0.0.1, each
// with the Node file storage adapter. Run with `npm ci && node bench.mjs`
// (add --short for a quick check). Bytes on the wire are counted the same
// way as weft's harness: the kernel's TCP_INFO counters read with ss(8).
import { fork, execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

// The server adapter's keep-alive (5 s by default) cut the client while it
// was busy applying 1,000 documents on this loaded 2-core machine, and
// find() then failed with "unavailable": the harness allows 60 s.
const keepAlive = 60_000

const now = () => performance.timeOrigin + performance.now() // ms since the epoch, shared by both processes

// ---- children -------------------------------------------------------------

async function child(role, dir) {
  const { Repo } = await import("@automerge/automerge-repo")
  const { NodeFSStorageAdapter } = await import("@automerge/automerge-repo-storage-nodefs")
  const ws = await import("@automerge/automerge-repo-network-websocket")
  let repo, wss
  const handles = new Map()
  // repo.flush() with no argument throws on handles that are not ready.
  const flushReady = () => repo.flush(Object.values(repo.handles).filter(h => h.isReady()).map(h => h.documentId))
  const ops = {
    async serve() {
      const { WebSocketServer } = await import("ws")
      wss = new WebSocketServer({ host: "127.0.0.1", port: 0 })
      await new Promise(r => wss.on("listening", r))
      repo = new Repo({ storage: new NodeFSStorageAdapter(join(dir, role)), network: [new ws.WebSocketServerAdapter(wss, keepAlive)] })
      return { port: wss.address().port }
    },
    async connect({ port }) {
      const start = now()
      repo = new Repo({ storage: new NodeFSStorageAdapter(join(dir, role)), network: [new ws.WebSocketClientAdapter(`ws://127.0.0.1:${port}`)] })
      // find() gives up on a document no connected peer has: wait for the server.
      while (repo.peers.length === 0) await new Promise(r => setTimeout(r, 1))
      return { start, connected: now() }
    },
    // n documents, each a map of 10 scalars, stored before the answer.
    async makeDocs({ n }) {
      const urls = []
      for (let i = 0; i < n; i++) {
        const h = repo.create({ title: `Case ${i}`, summary: `Tenants withheld rent ${i}`, region: "Lyon", period: "2025",
          outcomes: "Repairs made", lessons: "Organise early", source: `minutes ${i}`, tag: "housing", year: 2025, open: false })
        urls.push(h.url)
      }
      await flushReady()
      return { urls }
    },
    async makeLedger() {
      const h = repo.create({ currency: "EUR", entries: [] })
      handles.set(h.url, h)
      await flushReady()
      return { url: h.url }
    },
    // n entries, one change each, one every `every` ms when every > 0.
    async addEntries({ url, n, every }) {
      const h = handles.get(url) ?? (await repo.find(url))
      const times = []
      const start = now()
      for (let i = 0; i < n; i++) {
        if (every > 0) {
          const wait = start + i * every - now()
          if (wait > 0) await new Promise(r => setTimeout(r, wait))
        }
        times.push(now())
        h.change(d => { d.entries.push({ id: `e${i}`, date: "2026-11-26", direction: "in", amount_minor: i + 1, currency: "EUR", memo: `dues ${i}` }) })
      }
      await flushReady()
      return { times }
    },
    async find({ urls }) {
      const hs = await Promise.all(urls.map(u => repo.find(u)))
      for (const h of hs) handles.set(h.url, h)
      await repo.flush(hs.map(h => h.documentId))
      return { done: now(), docs: hs.filter(h => h.doc() !== undefined).length }
    },
    // Waits until the ledger holds n entries; with watch, answers with when
    // each entry was stored (flushed) here.
    // With relative, counts only entries past those already held.
    async waitEntries({ url, n, relative }) {
      const t0 = now()
      const h = handles.get(url) ?? (await repo.find(url))
      if (process.env.DEBUG) console.error("find", now() - t0, h.doc().entries.length)
      handles.set(url, h)
      const base = relative ? h.doc().entries.length : 0
      const times = []
      let flushing = false
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${times.length} of ${n} entries after 10 minutes`)), 600_000)
        const check = async () => {
          if (flushing) return
          flushing = true
          for (;;) {
            const len = h.doc().entries.length - base
            if (len <= times.length) break
            if (process.env.DEBUG) console.error("len", len, now() - t0)
            await repo.flush([h.documentId])
            const t = now()
            while (times.length < len) times.push(t)
          }
          flushing = false
          if (times.length >= n) {
            clearTimeout(timer)
            h.off("change", check)
            resolve({ done: times[n - 1], times: times.slice(0, n) })
          }
        }
        h.on("change", check)
        check()
      })
    },
    async exit() {
      await flushReady()
      setTimeout(() => process.exit(0), 10)
      return {}
    },
  }
  process.on("message", async ({ id, op, args }) => {
    try {
      process.send({ id, ok: await ops[op](args ?? {}) })
    } catch (e) {
      process.send({ id, err: String(e?.stack ?? e) })
    }
  })
  process.send({ ready: true })
}

// ---- driver ---------------------------------------------------------------

function spawn(role, dir) {
  const p = fork(fileURLToPath(import.meta.url), ["child", role, dir], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
  let next = 0
  const waiting = new Map()
  let ready
  const readyP = new Promise(r => (ready = r))
  p.on("message", m => {
    if (m.ready) return ready()
    const w = waiting.get(m.id)
    waiting.delete(m.id)
    m.err ? w.reject(new Error(`${role}: ${m.err}`)) : w.resolve(m.ok)
  })
  const call = (op, args) => new Promise((resolve, reject) => {
    const id = next++
    waiting.set(id, { resolve, reject })
    p.send({ id, op, args })
  })
  const exited = new Promise(r => p.on("exit", r))
  return { call, ready: readyP, stop: async () => { await call("exit"); await exited } }
}

// The kernel's count of TCP payload bytes (both ways) and data segments on
// the established connections to port on 127.0.0.1, each counted once.
function wire(port) {
  const out = execFileSync("ss", ["-tinH", "state", "established"], { encoding: "utf8" })
  const lines = out.split("\n")
  let bytes = 0, segsOut = 0, segsIn = 0, conns = 0
  for (let i = 0; i + 1 < lines.length; i++) {
    const f = lines[i].trim().split(/\s+/)
    if (/^\s/.test(lines[i]) || f.length < 4) continue
    const [local, remote] = [f[2], f[3]]
    if (local > remote || !(local.endsWith(`:${port}`) || remote.endsWith(`:${port}`))) continue
    const info = lines[i + 1]
    const num = k => Number((info.match(new RegExp(`${k}:(\\d+)`)) ?? [0, 0])[1])
    conns++
    bytes += num("bytes_sent") + num("bytes_received")
    segsOut += num("data_segs_out")
    segsIn += num("data_segs_in")
  }
  return { conns, bytes, segsOut, segsIn }
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil((s.length * p) / 100) - 1))]
}

const sleep = ms => new Promise(r => setTimeout(r, ms))

async function driver(short) {
  const sizes = short ? { docs: 20, entries: 100, samples: 20 } : { docs: 1000, entries: 10000, samples: 500 }
  const dir = mkdtempSync(join(tmpdir(), "amrepo-bench-"))
  const log = (...a) => console.error(new Date().toISOString().slice(11, 23), ...a)
  const server = spawn("server", dir)
  await server.ready
  const { port } = await server.call("serve")
  const res = {}
  let client
  const startClient = async () => {
    client = spawn("client", dir)
    await client.ready
    const c = await client.call("connect", { port })
    log(`client connected in ${(c.connected - c.start).toFixed(1)} ms`)
    return c.start
  }
  try {
    log(`server makes ${sizes.docs} documents, a ledger and a latency ledger`)
    const { urls } = await server.call("makeDocs", { n: sizes.docs })
    const { url: ledger } = await server.call("makeLedger")
    const { url: lat } = await server.call("makeLedger")

    // a: a fresh client receives the documents.
    let start = await startClient()
    let r = await client.call("find", { urls })
    res.a = { ms: r.done - start, docs: r.docs, wire: wire(port) }
    log("a", JSON.stringify(res.a))

    // d: latency, one change every 10 ms.
    await client.call("find", { urls: [ledger, lat] })
    const warm = client.call("waitEntries", { url: lat, n: 5, relative: true }) // as weft's harness: a few changes first
    await server.call("addEntries", { url: lat, n: 5, every: 10 })
    await warm
    const watch = client.call("waitEntries", { url: lat, n: sizes.samples, relative: true })
    const sent = await server.call("addEntries", { url: lat, n: sizes.samples, every: 10 })
    const got = await watch
    const lats = got.times.map((t, i) => t - sent.times[i])
    res.d = { p50: pct(lats, 50), p99: pct(lats, 99), max: pct(lats, 100), n: lats.length }
    log("d", JSON.stringify(res.d))
    await client.stop()

    // b: the client missed `entries` ledger entries.
    log(`b: server records ${sizes.entries} entries while the client is away`)
    await server.call("addEntries", { url: ledger, n: sizes.entries, every: 0 })
    start = await startClient()
    r = await client.call("waitEntries", { url: ledger, n: sizes.entries })
    res.b = { ms: r.done - start, wire: wire(port) }
    log("b", JSON.stringify(res.b))
    await client.stop()

    // c: reconnect with nothing changed; count everything for 3 s.
    start = await startClient()
    r = await client.call("find", { urls })
    const found = r.done - start
    await sleep(3000)
    res.c = { ms_find: found, docs: urls.length + 2, wire: wire(port) }
    res.c.bytes_per_doc = res.c.wire.bytes / res.c.docs
    log("c", JSON.stringify(res.c))
    await client.stop()
  } finally {
    await server.stop().catch(() => {})
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true })
  }
  const ms = x => `${x.toFixed(1)} ms`
  console.log(`a fresh client receives ${sizes.docs} docs: ${ms(res.a.ms)}, ${res.a.wire.bytes} bytes on the wire (${Math.round(res.a.wire.bytes / sizes.docs)} B/doc)`)
  console.log(`b catch up ${sizes.entries} ledger entries: ${ms(res.b.ms)}, ${res.b.wire.bytes} bytes on the wire`)
  console.log(`c reconnect, ${res.c.docs} docs unchanged: ${res.c.wire.bytes} bytes in 3 s (${res.c.bytes_per_doc.toFixed(0)} B/doc), data segments ${res.c.wire.segsOut}+${res.c.wire.segsIn}`)
  console.log(`d latency (${res.d.n} changes, one every 10 ms): p50 ${ms(res.d.p50)}, p99 ${ms(res.d.p99)}, max ${ms(res.d.max)}`)
}

if (process.argv[2] === "child") {
  await child(process.argv[3], process.argv[4])
} else {
  await driver(process.argv.includes("--short"))
}
