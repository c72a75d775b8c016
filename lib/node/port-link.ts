import b4a from 'b4a'
import type { MessagePort } from 'worker_threads'

/** A replication stream's side that can be fed bytes and gives bytes. */
export interface ByteStream {
  on(event: 'data', listener: (data: Uint8Array) => void): unknown
  on(event: 'error', listener: (err: Error) => void): unknown
  write(data: Uint8Array): unknown
  destroy(): void
}

/** Carry a replication stream over a MessagePort to another thread; returns a function that cuts it. */
export function linkOverPort(stream: ByteStream, port: MessagePort): () => void {
  stream.on('error', () => {})
  stream.on('data', (data) => port.postMessage(data))
  port.on('message', (data: Uint8Array) =>
    stream.write(b4a.from(data.buffer, data.byteOffset, data.byteLength))
  )
  return () => {
    stream.destroy()
    port.close()
  }
}
