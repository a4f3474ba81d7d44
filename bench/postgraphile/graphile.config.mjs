// PostGraphile 5 as a team would start it over skillgraph's PostgreSQL tables: the amber
// preset, with simplified inflection for readable field names (`roles`, `roleSkills`,
// `roleBySlug`). skillgraph-bench starts it with `--connection`, `--schema public`, `--host`,
// `--port` and NODE_ENV=production; see bench/src/scenarios.rs for the queries it is sent.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  grafserv: { graphiql: false, watch: false },
};

export default preset;
