// Sends identify, track, page and alias calls to Kizuna through an unmodified
// @segment/analytics-node, pointed at Kizuna only by `host`, and checks that the library
// reported no error. It then replays one of the SDK's own batch requests, as the SDK does when
// a response is lost, and checks Kizuna acknowledges it without storing anything twice.
//
// Environment:
//   KIZUNA_URL          base URL of Kizuna, e.g. http://127.0.0.1:18091 (required)
//   KIZUNA_WRITE_KEY    an ingest-scoped key, used as the Segment write key (required)
//   KIZUNA_READ_CHECK   optional: a read-scoped key. When set, the profile is also read back
//                       through GET /v1/profiles/lookup and its computed traits are checked.
//   KIZUNA_CHECK_OUT    optional: directory where the sent messages are written
//                       (sent.tsv: messageId, type, event name; expected.json) for SQL checks.
//   KIZUNA_USER_ID      optional: the user id to use (default: a fresh one per run)
//
// Exit code 0 when every call was delivered (2xx) and the replay was acknowledged.

import { Analytics } from '@segment/analytics-node'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const url = process.env.KIZUNA_URL
const writeKey = process.env.KIZUNA_WRITE_KEY
const readKey = process.env.KIZUNA_READ_CHECK || ''
const outDir = process.env.KIZUNA_CHECK_OUT || ''
if (!url || !writeKey) {
  console.error('KIZUNA_URL and KIZUNA_WRITE_KEY are required')
  process.exit(2)
}

const run = Date.now().toString(36)
const userId = process.env.KIZUNA_USER_ID || `sdk-user-${run}`
const anonymousId = `sdk-anon-${run}`
const email = `Hanako.${run}@Example.JP` // Kizuna stores identities lower-cased
const failures = []
const requests = []
const responses = []

const analytics = new Analytics({
  writeKey,
  host: url,
  path: '/v1/batch',
  // Small batches so the calls below are flushed as several /v1/batch requests.
  flushAt: 3,
  flushInterval: 500,
  maxRetries: 2,
  httpRequestTimeout: 10000,
})

analytics.on('error', (err) => {
  failures.push(`SDK error ${err.code}: ${err.reason?.message ?? err.reason}`)
})
analytics.on('http_request', (req) => {
  requests.push({ url: req.url, headers: req.headers, body: req.body })
})
analytics.on('http_response', (res) => {
  responses.push({ status: res.status, statusText: res.statusText })
})

// What the check sends, in order: the expected rows for the SQL checks in run.sh.
const products = [
  { product_id: 'SKU-LIP-01', sku: 'SKU-LIP-01', name: 'Sakura Lip Tint', price: 2400, quantity: 1 },
  { product_id: 'SKU-SER-02', sku: 'SKU-SER-02', name: 'Camellia Serum', price: 5800, quantity: 2 },
]
const orders = [
  { order_id: `o-${run}-1`, total: 14000.5, revenue: 13000, currency: 'JPY', products },
  { order_id: `o-${run}-2`, total: 2400, currency: 'JPY', products: [products[0]] },
]

// An anonymous visit first, later tied to the user by alias.
analytics.page({ anonymousId, category: 'Shop', name: 'Home', properties: { url: 'https://shop.example.jp/', path: '/' } })
// The identify does not carry the anonymousId: the alias at the end is what ties the visit to the user.
analytics.identify({
  userId,
  traits: { email, phone: '090-1234-5678', firstName: 'Hanako', lastName: 'Yamada', plan: 'member' },
})
analytics.track({ userId, event: 'Product Viewed', properties: { ...products[0] } })
analytics.track({ userId, event: 'Product Added', properties: { ...products[0], cart_id: `c-${run}` } })
analytics.track({ userId, event: 'Product Added', properties: { ...products[1], cart_id: `c-${run}` } })
analytics.track({ userId, event: 'Checkout Started', properties: { order_id: orders[0].order_id, value: 14000.5, currency: 'JPY', products } })
analytics.track({ userId, event: 'Order Completed', properties: orders[0] })
analytics.page({ userId, category: 'Shop', name: 'Thank You', properties: { path: '/thanks' } })
analytics.track({ userId, event: 'Order Completed', properties: orders[1] })
analytics.alias({ userId, previousId: anonymousId })

await analytics.closeAndFlush({ timeout: 30000 })

// Every message the SDK generated, as it put them on the wire.
const sent = []
for (const request of requests) {
  const body = JSON.parse(request.body)
  for (const event of body.batch) {
    sent.push({ messageId: event.messageId, type: event.type, name: event.event ?? event.name ?? '' })
  }
}
const uniqueSent = new Map(sent.map((s) => [s.messageId, s]))

const bad = responses.filter((r) => r.status < 200 || r.status >= 300)
for (const r of bad) failures.push(`HTTP ${r.status} ${r.statusText}`)
if (requests.length < 2) failures.push(`expected several batch requests, saw ${requests.length}`)
if (uniqueSent.size !== 10) failures.push(`expected 10 messages on the wire, saw ${uniqueSent.size} (${sent.length} with retries)`)

// The SDK resends a whole batch when it did not get an answer; Kizuna must acknowledge it and
// count the messages as duplicates, storing nothing again.
let replay = null
if (requests.length > 0) {
  const first = requests[0]
  const headers = { ...first.headers, 'X-Retry-Count': '1' }
  const response = await fetch(first.url, { method: 'POST', headers, body: first.body })
  const text = await response.text()
  replay = { status: response.status, body: text }
  const size = JSON.parse(first.body).batch.length
  if (response.status !== 200) {
    failures.push(`replayed batch answered ${response.status}: ${text}`)
  } else {
    const ack = JSON.parse(text)
    if (ack.accepted !== 0 || ack.duplicates !== size) {
      failures.push(`replayed batch of ${size} should be all duplicates, got ${text}`)
    }
  }
}

const expected = {
  userId,
  anonymousId,
  email: email.toLowerCase(),
  orderCount: orders.length,
  lifetimeRevenue: orders.reduce((sum, o) => sum + o.total, 0),
  messages: uniqueSent.size,
  requests: requests.length,
}

// Optional read-back through the profile API.
if (readKey) {
  const lookup = `${url}/v1/profiles/lookup?type=user_id&value=${encodeURIComponent(userId)}`
  const response = await fetch(lookup, { headers: { Authorization: `Bearer ${readKey}` } })
  const text = await response.text()
  if (response.status !== 200) {
    failures.push(`profile lookup answered ${response.status}: ${text}`)
  } else {
    const profile = JSON.parse(text)
    const computed = profile.computed ?? {}
    if (Number(computed.orderCount) !== expected.orderCount) failures.push(`profile orderCount ${computed.orderCount}, expected ${expected.orderCount}`)
    if (Math.abs(Number(computed.lifetimeRevenue) - expected.lifetimeRevenue) > 0.0001) {
      failures.push(`profile lifetimeRevenue ${computed.lifetimeRevenue}, expected ${expected.lifetimeRevenue}`)
    }
    console.log(`read check: profile ${profile.id} orderCount=${computed.orderCount} lifetimeRevenue=${computed.lifetimeRevenue}`)
  }
}

if (outDir) {
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'sent.tsv'), [...uniqueSent.values()].map((s) => `${s.messageId}\t${s.type}\t${s.name}`).join('\n') + '\n')
  writeFileSync(join(outDir, 'expected.json'), JSON.stringify(expected, null, 2) + '\n')
  writeFileSync(join(outDir, 'requests.json'), JSON.stringify({ requests, responses, replay }, null, 2) + '\n')
}

console.log(`sdk: @segment/analytics-node ${analytics.VERSION}, ${requests.length} batch request(s), ` +
  `${uniqueSent.size} message(s), statuses [${responses.map((r) => r.status).join(',')}], replay ${replay?.status} ${replay?.body ?? ''}`)
if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`)
  if (requests.length) console.error(`first request body: ${requests[0].body}`)
  process.exit(1)
}
console.log('sdk check: no errors reported by the library')
