// autocannon ships no types; the benchmarks use a small part of its API.
declare module 'autocannon' {
  interface Result {
    requests: { total: number; average: number };
    latency: { p50: number; p99: number };
    errors: number; timeouts: number; non2xx: number;
    statusCodeStats?: Record<string, { count: number }>;
  }
  interface Options {
    url: string; connections?: number; duration?: number; amount?: number; timeout?: number; headers?: Record<string, string>;
    requests?: { setupRequest?: (req: { path: string }) => { path: string } }[];
  }
  export default function autocannon(options: Options): Promise<Result>;
}
