/** A minimal HTTP client for tests: raw status and parsed JSON body. */
export async function request(
  url: string,
  {
    method = 'GET',
    body,
    token,
    headers = {}
  }: { method?: string; body?: string; token?: string; headers?: Record<string, string> } = {}
): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...headers }
  })
  const text = await res.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, json }
}
