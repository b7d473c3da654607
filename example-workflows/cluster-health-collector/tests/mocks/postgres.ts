// Stands in for jsr:@db/postgres in fixtures: records the queries and answers an INSERT with id 42.
export const queries: { sql: string; args: unknown[] }[] = [];

export class Client {
  url: string;
  constructor(url: string) {
    if (!url) throw new Error("postgres: no connection URL (secrets.postgres.url)");
    this.url = url;
  }
  async connect() {}
  async queryObject<T>(sql: string, args: unknown[] = []): Promise<{ rows: T[] }> {
    queries.push({ sql, args });
    return { rows: [{ id: 42 } as T] };
  }
  async end() {}
}
