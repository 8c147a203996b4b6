"""Everything that talks to AWS through boto3: the Price List API (`pricelist`), topology discovery
(`discovery`), Stage A of flow-log aggregation in Athena (`athena`), and the sessions and clients they use
(`clients`). Nothing is imported here, so that `import vpccost` does not load boto3."""
