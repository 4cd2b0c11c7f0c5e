// knex's factory of a knex object over a client (knex.transaction builds its transactor with it); untyped in the package.
declare module 'knex/lib/knex-builder/make-knex.js' {
  export default function makeKnex(client: unknown): unknown;
}
