/** An async stream that runs `cleanup` once it ends, fails or is abandoned (temporary DuckDB tables a streamed query reads). */
export async function* afterStream<T>(items: AsyncIterable<T>, cleanup: () => Promise<unknown>): AsyncIterable<T> {
  try {
    yield* items;
  } finally {
    await cleanup();
  }
}
