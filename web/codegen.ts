// GraphQL Code Generator: the patient's operations (the contract's mobile.graphql, `shared/`
// beside the repository as in CI) typed against the schema the server exports. The output
// is committed (src/generated/graphql.ts) so that `npm run build` needs neither; the test
// tests/web/test_h5_build.py regenerates it and fails when it drifts.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["../../shared/contract/mobile.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/generated/graphql.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        // Scalars as they travel in JSON: ISO strings, Int fen.
        scalars: { Date: "string", DateTime: "string" },
        enumsAsTypes: true,
        strictScalars: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        useTypeImports: true,
        // Documents as strings: the page sends text (and its hash), never parses GraphQL,
        // so the graphql package stays out of the bundle.
        documentMode: "string",
      },
    },
  },
};

export default config;
