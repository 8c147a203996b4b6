"""The analyses: compare designs, forecast them month by month, find where two options break even, and compare
the ways a VPC reaches AWS services. Each composes inputs, designs and pricing into a result
(`vpccost.results`); none imports another's internals. The optimizer, a larger analysis, is `vpccost.optimizer`."""
