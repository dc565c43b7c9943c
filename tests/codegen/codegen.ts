// GraphQL Code Generator over the schema the server exports and the operations the clients
// send (the contract, `shared/` beside the repository, as in CI). Any operation that stops
// validating fails here; any change of a generated type that the typed example relies on
// fails `tsc` after it. tests/test_codegen.py runs both.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["../../../shared/contract/*.graphql"],
  // No operation found is a failure, not an empty file.
  ignoreNoDocuments: false,
  errorsOnly: false,
  generates: {
    "generated/graphql.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        // Scalars as they travel in JSON (README of the contract): ISO strings, Int fen.
        scalars: { Date: "string", DateTime: "string" },
        enumsAsTypes: true,
        strictScalars: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        useTypeImports: true,
      },
    },
  },
};

export default config;
